package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	emulator "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// markerPrefix starts the idempotency marker columns package store
// adds to the rows it writes.
const markerPrefix = "_rfn_"

// batchPlayers are the players of testdata/players-batch.json.
var batchPlayers = []Player{
	{ID: "1001", Name: "alice", Job: "mage", Hero: "Yasuo"},
	{ID: "1002", Name: "bob", Job: "warrior", Hero: "Garen"},
	{ID: "1003", Name: "carol", Job: "support", Hero: "Lulu"},
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

// staticCredentials are the server's long-lived access key, as the
// runtime takes it.
func staticCredentials(srv *emulator.Server) fn.Credentials {
	c := srv.Credentials()
	return fn.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret}
}

// stsContext returns a context carrying an invocation whose credentials
// are fresh STS credentials of srv, as FC passes the function role's.
func stsContext(ctx context.Context, srv *emulator.Server) context.Context {
	c := srv.IssueSTS(time.Hour)
	return fn.NewContext(ctx, &fn.Invocation{RequestID: "req-sts", Credentials: fn.Credentials{
		AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken,
	}})
}

// openDB opens a DB on the server at endpoint, signing with cred outside
// invocations that carry credentials.
func openDB(t testing.TB, srv *emulator.Server, endpoint string, cred fn.Credentials) *store.DB {
	t.Helper()
	db, err := store.Open(store.Config{Endpoint: endpoint, Instance: srv.Instance(), Credentials: cred})
	if err != nil {
		t.Fatalf("open the DB: %v", err)
	}
	return db
}

// newPlayersApp creates the players table and returns the function's App
// writing to it.
func newPlayersApp(t testing.TB, db *store.DB) *fn.App {
	t.Helper()
	if err := createTable(context.Background(), db, DefaultTable); err != nil {
		t.Fatal(err)
	}
	app, err := newApp(db, DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	return app
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

// getPlayer reads the row of id with the SDK GetRow and returns its
// player columns; ok is false when there is no row. It fails the test on
// a column the function does not write, markers aside.
func getPlayer(t testing.TB, client *tablestore.TableStoreClient, table, id string) (p Player, ok bool) {
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
		return Player{}, false
	}
	p.ID, _ = resp.PrimaryKey.PrimaryKeys[0].Value.(string)
	fields := map[string]*string{"Name": &p.Name, "Job": &p.Job, "Hero": &p.Hero}
	for _, c := range resp.Columns {
		f, known := fields[c.ColumnName]
		switch {
		case known:
			*f, _ = c.Value.(string)
		case !strings.HasPrefix(c.ColumnName, markerPrefix):
			t.Errorf("row %q: unexpected column %q = %v", id, c.ColumnName, c.Value)
		}
	}
	return p, true
}

// checkPlayers asserts that table holds exactly the rows of want.
func checkPlayers(t testing.TB, client *tablestore.TableStoreClient, table string, want []Player) {
	t.Helper()
	for _, w := range want {
		got, ok := getPlayer(t, client, table, w.ID)
		if !ok {
			t.Errorf("no row %q in %s", w.ID, table)
			continue
		}
		if got != w {
			t.Errorf("row %q: got %+v, want %+v", w.ID, got, w)
		}
	}
	if rows := scanRows(t, client, table); len(rows) != len(want) {
		t.Errorf("%s holds %d rows, want %d", table, len(rows), len(want))
	}
}

// anyString prints a value read from a row.
func anyString(v any) string { return fmt.Sprint(v) }
