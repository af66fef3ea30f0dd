package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// TestReadYourWrites: inside an invocation, Get sees the writes its
// messages made before, not yet committed: increments, a Put, a Delete.
func TestReadYourWrites(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	players := table[Player](t, e.db, "players")
	if err := counters.Increment(context.Background(), Counter{Name: "c"}, "N", 100); err != nil {
		t.Fatal(err)
	}
	type step struct {
		Op string `json:"op"`
		ID string `json:"id"`
	}
	var mu sync.Mutex
	var seen []string
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, s step) error {
		var got string
		switch s.Op {
		case "count":
			c, _, err := counters.Get(ctx, Counter{Name: "c"})
			if err != nil {
				return err
			}
			got = fmt.Sprint(c.N)
			if err := counters.Increment(ctx, Counter{Name: "c"}, "N", 1); err != nil {
				return err
			}
		case "put":
			return players.Put(ctx, Player{ID: s.ID, Name: "ann", Score: 7})
		case "delete":
			return players.Delete(ctx, Player{ID: s.ID})
		case "get":
			p, ok, err := players.Get(ctx, Player{ID: s.ID})
			if err != nil {
				return err
			}
			got = fmt.Sprintf("%v %s %d", ok, p.Name, p.Score)
		}
		mu.Lock()
		seen = append(seen, got)
		mu.Unlock()
		return nil
	}))
	invoke(t, app, batch(t, "m",
		step{Op: "count"}, step{Op: "count"}, step{Op: "count"},
		step{Op: "get", ID: "p"}, step{Op: "put", ID: "p"}, step{Op: "get", ID: "p"},
		step{Op: "delete", ID: "p"}, step{Op: "get", ID: "p"}))
	want := []string{"100", "101", "102", "false  0", "true ann 7", "false  0"}
	if !slices.Equal(seen, want) {
		t.Errorf("reads saw %q, want %q", seen, want)
	}
	wantN(t, e.db, "c", 103)
	if _, ok, _ := players.Get(context.Background(), Player{ID: "p"}); ok {
		t.Error("player p exists after its delete")
	}
}

// TestReadOfAFailedWrite: a message reads a counter another message
// incremented before its handler failed; the failed message's write is
// dropped, so the reader, which decided from it, fails too, naming it. A
// message that read the row before that write, or another row, stands.
func TestReadOfAFailedWrite(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	type step struct {
		Name string `json:"name"`
		Read bool   `json:"read"`
		Fail bool   `json:"fail"`
	}
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, s step) error {
		key := Counter{Name: s.Name}
		if s.Read {
			c, _, err := counters.Get(ctx, key)
			if err != nil {
				return err
			}
			key.Name = fmt.Sprint(s.Name, "-copy")
			return counters.Update(ctx, key, []store.Change{store.Set("N", c.N)})
		}
		if err := counters.Increment(ctx, key, "N", 1); err != nil {
			return err
		}
		if s.Fail {
			return errors.New("the handler failed after its write")
		}
		return nil
	}))
	_, err := app.Invoke(context.Background(), batch(t, "m",
		step{Name: "a", Read: true}, // m-0: reads a before any write: stands
		step{Name: "a", Fail: true}, // m-1: increments a, then fails
		step{Name: "a", Read: true}, // m-2: reads a with m-1's write: fails
		step{Name: "b"},             // m-3: another row: stands
		step{Name: "b", Read: true}, // m-4: reads m-3's write: stands
	))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) {
		t.Fatalf("Invoke = %v, want failed messages", err)
	}
	var failed []string
	for _, f := range ie.Failures {
		failed = append(failed, f.MessageID)
		t.Logf("%s: %s", f.MessageID, f.Error)
	}
	if !slices.Equal(failed, []string{"m-1", "m-2"}) {
		t.Fatalf("failed %v, want m-1 (its handler) and m-2 (it read m-1's write)", failed)
	}
	if !strings.Contains(ie.Failures[1].Error, `"m-1"`) {
		t.Errorf("m-2's reason %q does not name m-1", ie.Failures[1].Error)
	}
	for name, want := range map[string]int64{"b": 1, "b-copy": 1, "a-copy": 0} {
		wantN(t, e.db, name, want)
	}
	if _, ok, _ := counters.Get(context.Background(), Counter{Name: "a"}); ok {
		t.Error("counter a exists: the failed message's write applied")
	}
}

// TestReadOfAWriteThatFailsAtCommit: a message reads an order another
// message moved to paid, on a condition that fails at commit; the reader
// fails too, though its own write went to another row, and the commit
// applies that write only after the write it read from.
func TestReadOfAWriteThatFailsAtCommit(t *testing.T) {
	e := newEnv(t)
	orders := table[Order](t, e.db, "orders")
	counters := table[Counter](t, e.db, "counters")
	if err := orders.Put(context.Background(), Order{ID: "o", State: "cancelled"}); err != nil {
		t.Fatal(err)
	}
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.TypedMessage(func(ctx context.Context, _ bump, m *event.Message) error {
		if m.ID == "m-0" { // pays, on the condition that the order is created
			return orders.Update(ctx, Order{ID: "o"}, []store.Change{store.Set("State", "paid")}, store.If("State", "=", "created"))
		}
		o, _, err := orders.Get(ctx, Order{ID: "o"})
		if err != nil {
			return err
		}
		if o.State == "paid" {
			return counters.Increment(ctx, Counter{Name: "paid"}, "N", 1)
		}
		return nil
	}))
	_, err := app.Invoke(context.Background(), batch(t, "m", bump{}, bump{}))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 2 {
		t.Fatalf("Invoke = %v, want both messages failed", err)
	}
	if _, ok, _ := counters.Get(context.Background(), Counter{Name: "paid"}); ok {
		t.Error("the reader's increment applied, from a payment that did not")
	}
}

// TestConcurrentHandlersReadAndWrite handles messages 8 at a time, each
// reading the rows it increments; run with -race.
func TestConcurrentHandlersReadAndWrite(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	app := fn.New(fn.WithCommitter(e.db), fn.WithConcurrency(8))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, b bump) error {
		key := Counter{Name: b.Name}
		if _, _, err := counters.Get(ctx, key); err != nil {
			return err
		}
		return counters.Increment(ctx, key, "N", 1)
	}))
	var msgs []msg
	for i := range 200 {
		name := fmt.Sprint("c", i%5)
		msgs = append(msgs, msg{ID: fmt.Sprint("m", i), ShardingKey: name, Body: bump{Name: name}})
	}
	invoke(t, app, payload(t, msgs...))
	invoke(t, app, payload(t, msgs...))
	for i := range 5 {
		wantN(t, e.db, fmt.Sprint("c", i), 40)
	}
}
