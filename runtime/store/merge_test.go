package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// bump is the body of a message that increments counter Name by 1,
// Times times (once when 0).
type bump struct {
	Name  string `json:"name"`
	Times int    `json:"times"`
}

// counterApp increments counters as bump messages say.
func counterApp(t testing.TB, db *store.DB, opts ...fn.Option) *fn.App {
	counters := table[Counter](t, db, "counters")
	app := fn.New(append([]fn.Option{fn.WithCommitter(db)}, opts...)...)
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, b bump) error {
		for i := 0; i < max(1, b.Times); i++ {
			if err := counters.Increment(ctx, Counter{Name: b.Name}, "N", 1); err != nil {
				return err
			}
		}
		return nil
	}))
	return app
}

func invoke(t testing.TB, app *fn.App, payload []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := app.Invoke(ctx, payload); err != nil {
		t.Fatal(err)
	}
}

func wantRequests(t testing.TB, got, want map[string]int) {
	t.Helper()
	if !maps.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
}

func wantN(t testing.TB, db *store.DB, name string, want int64) {
	t.Helper()
	counters, _ := store.NewTable[Counter](db, "counters")
	if got := mustGet(t, counters, Counter{Name: name}).N; got != want {
		t.Errorf("counter %s = %d, want %d", name, got, want)
	}
}

// TestHotRowOneOperation: 100 increments of one counter in one invocation,
// by 100 messages or by one, are one row operation: one write of a new
// row, a read of the markers and a write on a row that has some. The row
// gets one marker per message, not per write.
func TestHotRowOneOperation(t *testing.T) {
	e := newEnv(t)
	app := counterApp(t, e.db)
	var bodies []any
	for range 100 {
		bodies = append(bodies, bump{Name: "hot"})
	}
	e.requests.take()
	invoke(t, app, batch(t, "m", bodies...))
	wantRequests(t, e.requests.take(), map[string]int{"BatchWriteRow": 1})
	wantN(t, e.db, "hot", 100)
	row := e.raw(t, "counters", "name", "hot")
	if n := len(row.markers()); n != 100 {
		t.Errorf("%d markers, want 100: one per message", n)
	}
	e.requests.take()
	invoke(t, app, batch(t, "n", bodies...))
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 1, "BatchWriteRow": 1})
	wantN(t, e.db, "hot", 200)

	e.requests.take()
	invoke(t, app, batch(t, "one", bump{Name: "solo", Times: 100}))
	wantRequests(t, e.requests.take(), map[string]int{"BatchWriteRow": 1})
	wantN(t, e.db, "solo", 100)
	if got := e.raw(t, "counters", "name", "solo").markers(); !sameSet(got, []string{markerOf("one-0")}) {
		t.Errorf("markers %v, want the message's one", got)
	}
	// A message on a row with markers: its write checks that its marker
	// is missing, without a read.
	e.requests.take()
	invoke(t, app, batch(t, "two", bump{Name: "solo", Times: 100}))
	wantRequests(t, e.requests.take(), map[string]int{"BatchWriteRow": 1})
	wantN(t, e.db, "solo", 200)
}

// TestMarkersPerRowBounded: 500 increments by 5 messages leave 5 markers
// and one journal; redelivering them changes nothing; once the window has
// passed, the row's next write removes them.
func TestMarkersPerRowBounded(t *testing.T) {
	e := newEnv(t)
	clock := time.Now()
	store.SetClock(e.db, func() time.Time { return clock })
	app := counterApp(t, e.db)
	var bodies []any
	for range 5 {
		bodies = append(bodies, bump{Name: "c", Times: 100})
	}
	first := batch(t, "m", bodies...)
	invoke(t, app, first)
	row := e.raw(t, "counters", "name", "c")
	if n := len(row.cols); n != 9 {
		t.Errorf("%d columns %v, want 9: N, 5 markers, a journal, the version and the journal hour", n, row.bookkeeping())
	}
	invoke(t, app, first)
	wantN(t, e.db, "c", 500)

	clock = clock.Add(store.DefaultIdempotencyWindow + 2*time.Hour)
	invoke(t, app, batch(t, "later", bump{Name: "c"}))
	wantN(t, e.db, "c", 501)
	row = e.raw(t, "counters", "name", "c")
	if got := row.markers(); !sameSet(got, []string{markerOf("later-0")}) {
		t.Errorf("markers %v, want only the new message's", got)
	}
	if n := len(row.journals()); n != 1 {
		t.Errorf("journals %v, want the new one", row.journals())
	}
}

// TestOperationLimits: a row operation marks at most 100 messages and
// writes at most 1024 columns; more go in several, in order.
func TestOperationLimits(t *testing.T) {
	e := newEnv(t)
	app := counterApp(t, e.db)
	var bodies []any
	for range 250 {
		bodies = append(bodies, bump{Name: "many"})
	}
	e.requests.take()
	invoke(t, app, batch(t, "m", bodies...))
	// The first 100 written as a new row's, then a read of the next 100
	// keys' markers and their write, twice.
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 2, "BatchWriteRow": 3})
	wantN(t, e.db, "many", 250)
	if n := len(e.raw(t, "counters", "name", "many").markers()); n != 250 {
		t.Errorf("%d markers, want 250", n)
	}

	// 60 messages setting 20 columns each: 1,260 columns with the markers.
	counters, _ := store.NewTable[Counter](e.db, "counters")
	wide := fn.New(fn.WithCommitter(e.db))
	wide.Handle("orders", "*", fn.TypedMessage(func(ctx context.Context, _ bump, m *event.Message) error {
		var changes []store.Change
		for j := range 20 {
			changes = append(changes, store.Set(fmt.Sprintf("C%s_%d", strings.ReplaceAll(m.ID, "-", "_"), j), int64(j)))
		}
		return counters.Update(ctx, Counter{Name: "wide"}, changes)
	}))
	bodies = bodies[:60]
	e.requests.take()
	invoke(t, wide, batch(t, "w", bodies...))
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 1, "BatchWriteRow": 2})
	if row := e.raw(t, "counters", "name", "wide"); len(row.cols)-len(row.bookkeeping()) != 1200 {
		t.Errorf("%d columns written, want 1200", len(row.cols)-len(row.bookkeeping()))
	}
}

// TestConditionalWritesMerge checks the merging rules on conditions: a
// condition that holds on the row as the earlier writes leave it merges;
// one that fails there, or that they do not decide, starts an operation
// of its own, which the service checks.
func TestConditionalWritesMerge(t *testing.T) {
	e := newEnv(t)
	orders := table[Order](t, e.db, "orders")
	type step struct {
		Order string `json:"order"`
		Op    string `json:"op"`
	}
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, s step) error {
		key := Order{ID: s.Order}
		switch s.Op {
		case "create":
			return orders.Insert(ctx, Order{ID: s.Order, State: "created", Amount: 10})
		case "pay":
			return orders.Update(ctx, key, []store.Change{store.Set("State", "paid")},
				store.IfExists(), store.If("State", "=", "created"))
		case "add":
			return orders.Increment(ctx, key, "Amount", 1)
		case "big":
			return orders.Update(ctx, key, []store.Change{store.Set("State", "big")}, store.If("Amount", ">", int64(10)))
		}
		return fmt.Errorf("unknown op %q", s.Op)
	}))

	// Created then paid by another message: the payment's conditions
	// hold on the row the insert makes, so the two are one operation.
	e.requests.take()
	invoke(t, app, batch(t, "a", step{"o1", "create"}, step{"o1", "pay"}, step{"o1", "add"}))
	wantRequests(t, e.requests.take(), map[string]int{"BatchWriteRow": 1})
	if got := mustGet(t, orders, Order{ID: "o1"}); got != (Order{"o1", "paid", 11}) {
		t.Errorf("o1 = %+v, want paid with 11", got)
	}

	// Two payments: the second's condition fails on the row the first
	// leaves, so it goes alone, the service refuses it, and it fails its
	// message alone; the increment after it applies.
	invoke(t, app, batch(t, "b", step{"o2", "create"}))
	e.requests.take()
	_, err := app.Invoke(context.Background(), batch(t, "c", step{"o2", "pay"}, step{"o2", "pay"}, step{"o2", "add"}))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "c-1" || !strings.Contains(ie.Failures[0].Error, "condition check failed") {
		t.Fatalf("Invoke = %v, want c-1 failed on its condition", err)
	}
	// The first payment; the second with the increment, refused; the
	// row read, the version unchanged: the second's condition failed;
	// the increment alone.
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 1, "BatchWriteRow": 3})
	if got := mustGet(t, orders, Order{ID: "o2"}); got != (Order{"o2", "paid", 11}) {
		t.Errorf("o2 = %+v, want paid with 11", got)
	}

	// A condition on a column the earlier writes increment is the
	// service's to decide: two operations.
	invoke(t, app, batch(t, "d", step{"o3", "create"}))
	e.requests.take()
	invoke(t, app, batch(t, "e", step{"o3", "add"}, step{"o3", "big"}))
	wantRequests(t, e.requests.take(), map[string]int{"BatchWriteRow": 2})
	if got := mustGet(t, orders, Order{ID: "o3"}); got != (Order{"o3", "big", 11}) {
		t.Errorf("o3 = %+v, want big with 11", got)
	}
}

// TestRefusedWriteFailsItsMessageAlone: one message's increment of a
// column that holds a string makes the service refuse the operation its
// row's increments merged into; the operation is split until the refused
// write goes alone, and only its message fails.
func TestRefusedWriteFailsItsMessageAlone(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	if err := counters.Update(context.Background(), Counter{Name: "c"}, []store.Change{store.Set("Label", "text")}); err != nil {
		t.Fatal(err)
	}
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, b bump) error {
		col := "N"
		if b.Times < 0 {
			col = "Label" // a string: the service refuses the increment
		}
		return counters.Increment(ctx, Counter{Name: b.Name}, col, 1)
	}))
	bodies := make([]any, 10)
	for i := range bodies {
		bodies[i] = bump{Name: "c"}
	}
	bodies[6] = bump{Name: "c", Times: -1}
	_, err := app.Invoke(context.Background(), batch(t, "m", bodies...))
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "m-6" {
		t.Fatalf("Invoke = %v, want m-6 alone failed", err)
	}
	t.Logf("reason: %s", ie.Failures[0].Error)
	wantN(t, e.db, "c", 9)
}

// TestSameKeyTwice: two messages writing under one business key
// (WithIdempotencyKey) in one invocation apply the key's writes once.
func TestSameKeyTwice(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, b bump) error {
		ctx = store.WithIdempotencyKey(ctx, "order-1/paid")
		return counters.Increment(ctx, Counter{Name: b.Name}, "N", 1)
	}))
	for range 2 {
		invoke(t, app, batch(t, "m", bump{Name: "c"}, bump{Name: "c"}))
	}
	wantN(t, e.db, "c", 1)
}

// TestDeleteBetweenWrites: a delete is an operation of its own, and the
// writes after it apply to the row it leaves, also on a redelivery.
func TestDeleteBetweenWrites(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	type act struct {
		Op    string `json:"op"`
		Score int64  `json:"score"`
	}
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, a act) error {
		key := Player{ID: "p"}
		switch a.Op {
		case "put":
			return players.Put(ctx, Player{ID: "p", Name: "ann", Score: a.Score})
		case "delete":
			return players.Delete(ctx, key)
		}
		return players.Increment(ctx, key, "Score", a.Score)
	}))
	p := batch(t, "m", act{"put", 1}, act{"add", 2}, act{"delete", 0}, act{"put", 10}, act{"add", 5})
	for range 2 {
		invoke(t, app, p)
		if got := mustGet(t, players, Player{ID: "p"}); got != (Player{ID: "p", Name: "ann", Score: 15}) {
			t.Fatalf("p = %+v, want ann with 15", got)
		}
	}
}
