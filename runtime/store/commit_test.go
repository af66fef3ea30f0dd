package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	local "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Order is a row that handlers change by increments and state
// transitions, the writes redelivery must not repeat.
type Order struct {
	ID     string `tablestore:"id,pk"`
	State  string `tablestore:"State"`
	Amount int64  `tablestore:"Amount"`
}

// Counter counts events.
type Counter struct {
	Name string `tablestore:"name,pk"`
	N    int64  `tablestore:"N"`
}

type orderEvent struct {
	Order  string `json:"order"`
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
}

// batch is an event-streaming payload of RocketMQ messages with the given
// bodies, with IDs id-0, id-1, ...
func batch(t testing.TB, id string, bodies ...any) []byte {
	t.Helper()
	var msgs []msg
	for i, b := range bodies {
		msgs = append(msgs, msg{ID: fmt.Sprintf("%s-%d", id, i), Body: b})
	}
	return payload(t, msgs...)
}

// msg is a message of a payload: its ID (UNIQ_KEY), body and sharding
// key.
type msg struct {
	ID, ShardingKey string
	Body            any
}

// payload is an event-streaming payload of the messages.
func payload(t testing.TB, msgs ...msg) []byte {
	t.Helper()
	var evs []map[string]any
	for _, m := range msgs {
		body, err := json.Marshal(m.Body)
		if err != nil {
			t.Fatal(err)
		}
		sys := map[string]any{"UNIQ_KEY": m.ID}
		if m.ShardingKey != "" {
			sys["__SHARDINGKEY"] = m.ShardingKey
		}
		evs = append(evs, map[string]any{
			"id": m.ID, "source": "RocketMQ-orders", "specversion": "1.0",
			"type": "mq:Topic:SendMessage", "subject": "acs:mq:cn-hangzhou:1:MQ_INST_1%orders",
			"data": map[string]any{"topic": "orders", "msgId": m.ID, "body": string(body),
				"systemProperties": sys, "userProperties": map[string]any{}},
		})
	}
	b, err := json.Marshal(evs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// orderApp applies state transitions: the order moves from From to To
// only if it is in From, and its amount and a global counter grow. fail
// makes the handler fail a message, once per order named.
func orderApp(t testing.TB, db *store.DB, fail *sync.Map) *fn.App {
	orders := table[Order](t, db, "orders")
	counters := table[Counter](t, db, "counters")
	app := fn.New(fn.WithCommitter(db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, ev orderEvent) error {
		if _, ok := fail.LoadAndDelete(ev.Order); ok {
			return errors.New("handler failed once")
		}
		key := Order{ID: ev.Order}
		var conds []store.Condition
		if ev.From != "" {
			conds = append(conds, store.IfExists(), store.If("State", "=", ev.From))
		}
		err := orders.Update(ctx, key, []store.Change{store.Set("State", ev.To), store.Add("Amount", ev.Amount)}, conds...)
		if err != nil {
			return err
		}
		return counters.Increment(ctx, Counter{Name: "events"}, "N", 1)
	}))
	return app
}

func TestRedeliveryAppliesOnce(t *testing.T) {
	e := newEnv(t)
	app := orderApp(t, e.db, &sync.Map{})
	payload := batch(t, "m",
		orderEvent{Order: "o1", To: "created", Amount: 10},
		orderEvent{Order: "o2", To: "created", Amount: 20},
		orderEvent{Order: "o1", From: "created", To: "paid", Amount: 1},
	)
	for i := 0; i < 3; i++ { // the first delivery, then two redeliveries
		if _, err := app.Invoke(context.Background(), payload); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	orders, _ := store.NewTable[Order](e.db, "orders")
	counters, _ := store.NewTable[Counter](e.db, "counters")
	if got := mustGet(t, orders, Order{ID: "o1"}); got != (Order{"o1", "paid", 11}) {
		t.Errorf("o1 = %+v, want paid with 11", got)
	}
	if got := mustGet(t, orders, Order{ID: "o2"}); got != (Order{"o2", "created", 20}) {
		t.Errorf("o2 = %+v", got)
	}
	if got := mustGet(t, counters, Counter{Name: "events"}); got.N != 3 {
		t.Errorf("events counter = %d, want 3", got.N)
	}
	// The first delivery writes each row once, as new rows, without
	// reading them: o1's two updates merge (the second's condition holds
	// on the row the first leaves), and the counter's three increments
	// sum. Each redelivery writes on the guess that the rows lack its
	// markers, which the conditions refuse, then reads the markers (a
	// BatchGetRow per table), finds every write applied, and writes
	// nothing more.
	if n := e.requests.get("BatchWriteRow"); n != 3 {
		t.Errorf("%d BatchWriteRow requests, want 3 (1 per delivery)", n)
	}
	if n := e.requests.get("BatchGetRow"); n != 4 {
		t.Errorf("%d BatchGetRow requests, want 4 (2 tables x 2 redeliveries)", n)
	}
}

// TestReplayAfterMidBatchFailure fails one message of a batch, so the
// invocation fails after the others were written; replaying the whole
// batch, as EventBridge does, applies each message's changes once.
func TestReplayAfterMidBatchFailure(t *testing.T) {
	e := newEnv(t)
	fail := &sync.Map{}
	fail.Store("o2", true)
	app := orderApp(t, e.db, fail)
	var events []any
	for i := 0; i < 5; i++ {
		events = append(events, orderEvent{Order: fmt.Sprint("o", i), To: "created", Amount: int64(i)})
	}
	payload := batch(t, "m", events...)
	_, err := app.Invoke(context.Background(), payload)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "m-2" {
		t.Fatalf("first delivery: %v, want message m-2 failed", err)
	}
	counters, _ := store.NewTable[Counter](e.db, "counters")
	if got := mustGet(t, counters, Counter{Name: "events"}); got.N != 4 {
		t.Fatalf("after the failed delivery the counter is %d, want 4 (o2's writes dropped)", got.N)
	}
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if got := mustGet(t, counters, Counter{Name: "events"}); got.N != 5 {
		t.Errorf("after the replay the counter is %d, want 5", got.N)
	}
	orders, _ := store.NewTable[Order](e.db, "orders")
	for i := 0; i < 5; i++ {
		if got := mustGet(t, orders, Order{ID: fmt.Sprint("o", i)}); got.Amount != int64(i) {
			t.Errorf("o%d amount = %d, want %d", i, got.Amount, i)
		}
	}
}

// TestUnknownOutcomesDoNotDuplicate makes BatchWriteRow requests time out
// after applying, and some fail before applying, over several batches
// and their redeliveries: retries finish the work, and increments still
// apply once.
func TestUnknownOutcomesDoNotDuplicate(t *testing.T) {
	const batches = 20
	run := func(faults []local.Fault) *env {
		e := newEnv(t)
		app := orderApp(t, e.db, &sync.Map{})
		e.srv.SetFaults(faults)
		for b := 0; b < batches; b++ {
			var events []any
			for i := 0; i < 40; i++ {
				events = append(events, orderEvent{Order: fmt.Sprint("o", i%10), Amount: 1, To: "seen"})
			}
			payload := batch(t, fmt.Sprint("m", b), events...)
			for range 2 { // a delivery and a redelivery
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				_, err := app.Invoke(ctx, payload)
				cancel()
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		e.srv.SetFaults(nil)
		return e
	}
	calm := run(nil)
	e := run([]local.Fault{
		{Action: "BatchWriteRow", Code: local.CodeTimeout, Rate: 0.4, After: true},
		{Action: "BatchWriteRow", Code: local.CodeServerBusy, Rate: 0.3},
	})
	// A timeout has the rows read again, a refusal written again.
	requests := func(e *env) int { return e.requests.get("BatchWriteRow") + e.requests.get("BatchGetRow") }
	if n, without := requests(e), requests(calm); n <= without {
		t.Errorf("%d requests, %d without faults: the faults did not fire", n, without)
	}
	counters, _ := store.NewTable[Counter](e.db, "counters")
	if got := mustGet(t, counters, Counter{Name: "events"}); got.N != 40*batches {
		t.Errorf("counter = %d, want %d", got.N, 40*batches)
	}
	orders, _ := store.NewTable[Order](e.db, "orders")
	for i := 0; i < 10; i++ {
		if got := mustGet(t, orders, Order{ID: fmt.Sprint("o", i)}); got.Amount != 4*batches {
			t.Errorf("o%d amount = %d, want %d", i, got.Amount, 4*batches)
		}
	}
}

// TestRowErrorFailsItsMessage: a write the service refuses fails the
// message that made it; the batch's other rows are written.
func TestRowErrorFailsItsMessage(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, p Player) error {
		return players.Put(ctx, p)
	}))
	big := strings.Repeat("x", 2<<20+1) // over the 2 MB cell limit
	payload := batch(t, "m", Player{ID: "1", Name: "ann"}, Player{ID: "2", Name: big}, Player{ID: "3", Name: "cy"})
	_, err := app.Invoke(context.Background(), payload)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || ie.Failures[0].MessageID != "m-1" || !strings.Contains(ie.Failures[0].Error, `OTSParameterInvalid on players(id="2")`) {
		t.Fatalf("Invoke = %v, want message m-1 failed with OTSParameterInvalid naming the row", err)
	}
	for _, id := range []string{"1", "3"} {
		mustGet(t, players, Player{ID: id})
	}
	if _, ok, _ := players.Get(context.Background(), Player{ID: "2"}); ok {
		t.Fatal("the refused row exists")
	}
}

// TestBodyThatDoesNotFit: a body that does not decode into the handler's
// type fails its message, naming the field; the others are written.
func TestBodyThatDoesNotFit(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, p Player) error {
		return players.Put(ctx, p)
	}))
	payload := batch(t, "m", Player{ID: "1"}, map[string]any{"id": "2", "score": "high"}, Player{ID: "3"})
	_, err := app.Invoke(context.Background(), payload)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || !strings.Contains(ie.Failures[0].Error, "score") {
		t.Fatalf("Invoke = %v, want one failure naming score", err)
	}
	mustGet(t, players, Player{ID: "1"})
	mustGet(t, players, Player{ID: "3"})
}
