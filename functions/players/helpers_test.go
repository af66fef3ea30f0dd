package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// batchPlayers are the players of testdata/players-batch.json.
var batchPlayers = []Player{
	{ID: "1001", Name: "alice", Job: "mage", Hero: "Yasuo"},
	{ID: "1002", Name: "bob", Job: "warrior", Hero: "Garen"},
	{ID: "1003", Name: "carol", Job: "support", Hero: "Lulu"},
}

// stsContext returns a context carrying an invocation whose credentials
// are fresh STS credentials of ts, as FC passes the function role's.
func stsContext(ctx context.Context, ts *otstest.Server) context.Context {
	return fn.NewContext(ctx, &fn.Invocation{RequestID: "req-sts", Credentials: ts.STS()})
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

// fixture reads testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// getPlayer reads the row of id and returns its player columns; ok is
// false when there is no row. It fails the test on a column the function
// does not write (bookkeeping aside).
func getPlayer(t testing.TB, ts *otstest.Server, table, id string) (p Player, ok bool) {
	t.Helper()
	row := ts.Row(t, table, id)
	if row == nil {
		return Player{}, false
	}
	fields := map[string]*string{"id": &p.ID, "Name": &p.Name, "Job": &p.Job, "Hero": &p.Hero}
	for col, v := range row {
		f, known := fields[col]
		if !known {
			t.Errorf("row %q: unexpected column %q = %v", id, col, v)
			continue
		}
		*f, _ = v.(string)
	}
	return p, true
}

// checkPlayers asserts that table holds exactly the rows of want.
func checkPlayers(t testing.TB, ts *otstest.Server, table string, want []Player) {
	t.Helper()
	for _, w := range want {
		got, ok := getPlayer(t, ts, table, w.ID)
		if !ok {
			t.Errorf("no row %q in %s", w.ID, table)
			continue
		}
		if got != w {
			t.Errorf("row %q: got %+v, want %+v", w.ID, got, w)
		}
	}
	if rows := ts.Rows(t, table); len(rows) != len(want) {
		t.Errorf("%s holds %d rows, want %d", table, len(rows), len(want))
	}
}
