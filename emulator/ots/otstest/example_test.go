package otstest_test

import (
	"context"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Player is a row of the players table: primary key id.
type Player struct {
	ID   string `tablestore:"id,pk"`
	Name string `tablestore:"Name"`
}

// A test writes a row through runtime/store and reads it back with the
// official SDK, bookkeeping left out.
func Example() {
	testPlayers := func(t *testing.T) {
		ts := otstest.New(t) // closed when the test ends
		players, err := store.NewTable[Player](ts.DB(t), "players")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := players.Ensure(ctx, store.TableOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := players.Put(ctx, Player{ID: "1001", Name: "alice"}); err != nil {
			t.Fatal(err)
		}
		if row := ts.Row(t, "players", "1001"); row["Name"] != "alice" {
			t.Errorf("row 1001 is %v, want Name alice", row)
		}
		if rows := ts.Rows(t, "players"); len(rows) != 1 {
			t.Errorf("players holds %v, want one row", rows)
		}
	}
	_ = testPlayers
}
