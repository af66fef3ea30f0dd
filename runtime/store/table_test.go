package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/store"
)

func TestPutGetUpdateDelete(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	ctx := context.Background()
	p := Player{ID: "1001", Name: "ann", Job: "mage", Hero: "Lux", Score: 3}
	if err := players.Put(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, players, Player{ID: "1001"}); got != p {
		t.Fatalf("Get = %+v, want %+v", got, p)
	}
	if _, ok, err := players.Get(ctx, Player{ID: "nobody"}); ok || err != nil {
		t.Fatalf("Get of a missing row: ok=%v err=%v", ok, err)
	}

	if err := players.Insert(ctx, p); !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Insert over an existing row = %v, want ErrConditionFailed", err)
	}
	if err := players.Increment(ctx, Player{ID: "1001"}, "Score", 4); err != nil {
		t.Fatal(err)
	}
	err := players.Update(ctx, Player{ID: "1001"}, []store.Change{store.Set("Hero", "Jinx")}, store.If("Score", "=", int64(7)))
	if err != nil {
		t.Fatal(err)
	}
	err = players.Update(ctx, Player{ID: "1001"}, []store.Change{store.Set("Hero", "Ahri")}, store.If("Score", "=", int64(3)))
	if !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("Update with a stale version = %v, want ErrConditionFailed", err)
	}
	if got := mustGet(t, players, Player{ID: "1001"}); got.Score != 7 || got.Hero != "Jinx" {
		t.Fatalf("after updates: %+v", got)
	}

	if err := players.Delete(ctx, Player{ID: "1001"}, store.IfExists()); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := players.Get(ctx, Player{ID: "1001"}); ok {
		t.Fatal("row still there after Delete")
	}
}

func TestTypeErrors(t *testing.T) {
	e := newEnv(t)
	type noKey struct{ A string }
	if _, err := store.NewTable[noKey](e.db, "x"); err == nil {
		t.Error("a type without a primary key was accepted")
	}
	type badType struct {
		ID string         `tablestore:"id,pk"`
		M  map[string]int `tablestore:"M"`
	}
	if _, err := store.NewTable[badType](e.db, "x"); err == nil || !strings.Contains(err.Error(), "M") {
		t.Errorf("a map field: %v", err)
	}
	if _, err := store.NewTable[Player](e.db, "bad-name"); err == nil {
		t.Error("an invalid table name was accepted")
	}
	players := table[Player](t, e.db, "players")
	err := players.Update(context.Background(), Player{ID: "1"}, []store.Change{store.Add("Name", 1)})
	if err == nil || !strings.Contains(err.Error(), `"Name"`) {
		t.Errorf("Add to a string column: %v", err)
	}
	err = players.Update(context.Background(), Player{ID: "1"}, []store.Change{store.Set("Score", "ten")})
	if err == nil || !strings.Contains(err.Error(), `"Score"`) {
		t.Errorf("Set a string into an integer column: %v", err)
	}
	// A stored column of another type than the field names the column.
	if err := players.Update(context.Background(), Player{ID: "2"}, []store.Change{store.Set("Other", 1)}); err != nil {
		t.Fatal(err)
	}
	type wrong struct {
		ID    string `tablestore:"id,pk"`
		Other string `tablestore:"Other"`
	}
	w := table[wrong](t, e.db, "players")
	if _, _, err := w.Get(context.Background(), wrong{ID: "2"}); err == nil || !strings.Contains(err.Error(), `"Other"`) {
		t.Errorf("reading an INTEGER column into a string: %v", err)
	}
}

type Event struct {
	User string `tablestore:"user,pk"`
	Seq  int64  `tablestore:"seq,pk"`
	Kind string `tablestore:"Kind"`
}

func TestScan(t *testing.T) {
	e := newEnv(t)
	events := table[Event](t, e.db, "events")
	ctx := context.Background()
	for _, u := range []string{"a", "b", "c"} {
		for i := int64(1); i <= 3; i++ {
			if err := events.Put(ctx, Event{User: u, Seq: i, Kind: fmt.Sprint(u, i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	keys := func(r store.Range) []string {
		var out []string
		for ev, err := range events.Scan(ctx, r) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ev.Kind)
		}
		return out
	}
	cases := []struct {
		r    store.Range
		want string
	}{
		{store.Range{}, "[a1 a2 a3 b1 b2 b3 c1 c2 c3]"},
		{store.Range{Start: []any{"b"}, End: []any{"b"}}, "[b1 b2 b3]"},
		{store.Range{Start: []any{"a", 2}, End: []any{"b", 2}}, "[a2 a3 b1 b2]"},
		{store.Range{Start: []any{"a", 2}, End: []any{"b", 2}, Reverse: true}, "[b2 b1 a3 a2]"},
		{store.Range{Start: []any{"b"}, Reverse: true, Limit: 4}, "[c3 c2 c1 b3]"},
		{store.Range{Limit: 2}, "[a1 a2]"},
	}
	for _, tc := range cases {
		if got := fmt.Sprint(keys(tc.r)); got != tc.want {
			t.Errorf("Scan %+v = %s, want %s", tc.r, got, tc.want)
		}
	}
	all := keys(store.Range{})
	if !slices.IsSorted(all) {
		t.Errorf("unsorted: %v", all)
	}
}

type Log struct {
	Stream string `tablestore:"stream,pk"`
	ID     int64  `tablestore:"id,pk,autoincrement"`
	Text   string `tablestore:"Text"`
}

func TestAppend(t *testing.T) {
	e := newEnv(t)
	logs := table[Log](t, e.db, "logs")
	ctx := context.Background()
	a, err := logs.Append(ctx, Log{Stream: "s", Text: "one"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := logs.Append(ctx, Log{Stream: "s", Text: "two"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || b.ID <= a.ID {
		t.Fatalf("generated ids %d, %d", a.ID, b.ID)
	}
	if got := mustGet(t, logs, Log{Stream: "s", ID: b.ID}); got.Text != "two" {
		t.Fatalf("Get = %+v", got)
	}
	if err := logs.Put(ctx, Log{Stream: "s", Text: "x"}); err == nil {
		t.Fatal("Put with an unset autoincrement column was accepted")
	}
}
