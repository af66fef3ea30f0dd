package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	emulator "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// markerPrefix starts the idempotency marker columns package store
// adds to the rows it writes.
const markerPrefix = "_rfn_"

// env is the function's App over an in-memory local Tablestore, with an
// official SDK client to read the rows back.
type env struct {
	t        *testing.T
	srv      *emulator.Server
	endpoint string
	db       *store.DB
	client   *tablestore.TableStoreClient
	app      *fn.App
	requests *requests // those of db
}

// newEnv starts a local Tablestore, creates the tables and the App.
func newEnv(t *testing.T) *env {
	t.Helper()
	srv, endpoint := startTablestore(t, emulator.Config{})
	reqs := &requests{n: map[string]int{}}
	cred := staticCredentials(srv)
	db, err := store.Open(store.Config{Endpoint: endpoint, Instance: srv.Instance(), Credentials: cred, Transport: reqs})
	if err != nil {
		t.Fatal(err)
	}
	if err := createTables(context.Background(), db, DefaultConfig); err != nil {
		t.Fatal(err)
	}
	app, err := newApp(db, DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, endpoint: endpoint, db: db, client: sdkClient(srv, endpoint), app: app, requests: reqs}
}

// requests counts the requests of a DB by action.
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *requests) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.n[req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]]++
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// take returns the requests counted so far and starts again.
func (r *requests) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n
	r.n = map[string]int{}
	return n
}

// invoke delivers testdata/name to the function, as FC does.
func (e *env) invoke(name string) error {
	e.t.Helper()
	_, err := e.app.Invoke(context.Background(), fixture(e.t, name))
	return err
}

// deliver invokes the fixtures in order, each expected to succeed.
func (e *env) deliver(names ...string) {
	e.t.Helper()
	for _, name := range names {
		if err := e.invoke(name); err != nil {
			e.t.Fatalf("Invoke %s: %v", name, err)
		}
	}
}

// wantOrder asserts columns of order id's row: each of want's columns
// has its value, or is absent when the value is nil.
func (e *env) wantOrder(id string, want map[string]any) {
	e.t.Helper()
	got, ok := readRow(e.t, e.client, DefaultOrdersTable, id)
	if !ok {
		e.t.Errorf("no order %q", id)
		return
	}
	for col, w := range want {
		if g, present := got[col]; w == nil && present || w != nil && g != w {
			e.t.Errorf("order %q: %s = %v (present %v), want %v", id, col, g, present, w)
		}
	}
}

// wantState asserts the state of each order in want.
func (e *env) wantState(want map[string]string) {
	e.t.Helper()
	for id, state := range want {
		e.wantOrder(id, map[string]any{"State": state})
	}
}

// wantCustomer asserts the counters of customer id; a missing counter is 0.
func (e *env) wantCustomer(id string, want Customer) {
	e.t.Helper()
	want.ID = id
	cols, _ := readRow(e.t, e.client, DefaultCustomersTable, id)
	got := Customer{ID: id}
	for col, p := range map[string]*int64{"Orders": &got.Orders, "Cancelled": &got.Cancelled,
		"TotalPaid": &got.TotalPaid, "Refunded": &got.Refunded} {
		*p, _ = cols[col].(int64)
	}
	if got != want {
		e.t.Errorf("customer %q: %+v, want %+v", id, got, want)
	}
}

// snapshot prints every row of both tables, markers and cell timestamps
// included, for comparing.
func (e *env) snapshot() []string {
	e.t.Helper()
	var out []string
	for _, table := range []string{DefaultOrdersTable, DefaultCustomersTable} {
		for _, r := range scanRows(e.t, e.client, table) {
			var b strings.Builder
			b.WriteString(table)
			for _, k := range r.PrimaryKey.PrimaryKeys {
				fmt.Fprintf(&b, " %s=%v", k.ColumnName, k.Value)
			}
			for _, c := range r.Columns {
				fmt.Fprintf(&b, " %s=%v@%d", c.ColumnName, c.Value, c.Timestamp)
			}
			out = append(out, b.String())
		}
	}
	return out
}

// failures returns the failures err, an *fn.InvokeError, lists.
func failures(t *testing.T, err error) []fn.Failure {
	t.Helper()
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || ie.Type != fn.ErrorMessagesFailed {
		t.Fatalf("Invoke returned %v, want an *fn.InvokeError listing failed messages", err)
	}
	return ie.Failures
}

// startTablestore serves an in-memory local Tablestore on a free loopback
// port until the test ends.
func startTablestore(t testing.TB, cfg emulator.Config) (*emulator.Server, string) {
	t.Helper()
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("start the local Tablestore: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start the local Tablestore: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, endpoint
}

// staticCredentials are the server's long-lived access key.
func staticCredentials(srv *emulator.Server) fn.Credentials {
	c := srv.Credentials()
	return fn.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret}
}

// openDB opens a DB on the server at endpoint, signing with cred.
func openDB(t testing.TB, srv *emulator.Server, endpoint string, cred fn.Credentials) *store.DB {
	t.Helper()
	db, err := store.Open(store.Config{Endpoint: endpoint, Instance: srv.Instance(), Credentials: cred})
	if err != nil {
		t.Fatalf("open the DB: %v", err)
	}
	return db
}

// sdkClient is an official SDK client of the server, for reading back.
func sdkClient(srv *emulator.Server, endpoint string) *tablestore.TableStoreClient {
	c := srv.Credentials()
	return tablestore.NewClient(endpoint, srv.Instance(), c.AccessKeyID, c.AccessKeySecret)
}

// fixture reads testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readRow reads the row of id with the SDK GetRow: its columns by name,
// markers left out; ok is false when there is no row.
func readRow(t testing.TB, client *tablestore.TableStoreClient, table, id string) (cols map[string]any, ok bool) {
	t.Helper()
	pk := new(tablestore.PrimaryKey)
	pk.AddPrimaryKeyColumn("id", id)
	resp, err := client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: table, PrimaryKey: pk, MaxVersion: 1,
	}})
	if err != nil {
		t.Fatalf("GetRow %s %q: %v", table, id, err)
	}
	if len(resp.PrimaryKey.PrimaryKeys) == 0 {
		return nil, false
	}
	cols = map[string]any{}
	for _, c := range resp.Columns {
		if !strings.HasPrefix(c.ColumnName, markerPrefix) {
			cols[c.ColumnName] = c.Value
		}
	}
	return cols, true
}

// scanRows reads every row of table with the SDK, every column and its
// timestamp included, in primary-key order.
func scanRows(t testing.TB, client *tablestore.TableStoreClient, table string) []*tablestore.Row {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	start.AddPrimaryKeyColumnWithMinValue("id")
	end.AddPrimaryKeyColumnWithMaxValue("id")
	var rows []*tablestore.Row
	for start != nil {
		resp, err := client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, Direction: tablestore.FORWARD,
		}})
		if err != nil {
			t.Fatalf("GetRange %s: %v", table, err)
		}
		rows = append(rows, resp.Rows...)
		start = resp.NextStartPrimaryKey
	}
	return rows
}
