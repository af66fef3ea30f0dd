// Package otstest runs a local Tablestore for a test: an in-memory
// emulator/ots server on a free loopback port, closed when the test ends,
// with what a test needs to use it and to check what was written.
//
//	func TestInvoke(t *testing.T) {
//		ts := otstest.New(t)
//		db := ts.DB(t) // a runtime/store DB signed with the server's key
//		app := newApp(db)
//		if _, err := app.Invoke(ctx, payload); err != nil {
//			t.Fatal(err)
//		}
//		if row := ts.Row(t, "players", "1001"); row["Name"] != "alice" {
//			t.Errorf("row 1001: %v", row)
//		}
//	}
//
// A Server gives the endpoint, instance and access key (Endpoint,
// Instance, Credentials), an official SDK client (Client), a
// runtime/store Config in local mode (StoreConfig) and the variables
// store.ConfigFromEnv reads (Env), for a function run as a process, by
// package emulator/fctest for example. STS issues temporary credentials
// such as Function Compute passes to a function with a role.
//
// Row and Rows read rows back as plain maps of column name to value
// (string, int64, float64, bool or []byte, as the SDK decodes them), the
// primary-key columns included and the bookkeeping columns runtime/store
// adds for idempotency (store.IsBookkeeping) left out. Dump prints every
// row with every column and cell timestamp, bookkeeping included, for
// checking that something, such as a redelivery, changed nothing.
//
// Helpers fail the test with t.Fatalf, naming the table and the request
// that failed.
package otstest
