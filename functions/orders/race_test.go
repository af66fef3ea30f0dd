package main

import (
	"context"
	"errors"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// TestConcurrentPaymentAndTimeout handles an order's payment and its
// payment timeout in two invocations at once, as can happen when ordering
// is broken (the timeouts on a topic of their own): both read the order
// created, and the payment commits first. The timeout's write, on the
// condition that the order is still created, then fails, and so does its
// message; its retry reads the order paid and does nothing. The order
// stays paid. The customer update of the timeout's first attempt has
// applied, though: the counter drift the package doc describes under
// Ordering.
func TestConcurrentPaymentAndTimeout(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json")
	s, err := newState(e.db, DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	inv := &invocation{t: t, s: s, db: e.db}
	paid := message(t, "paid.json", 0)
	timeout := message(t, "payment-timeout.json", 0)

	payment, expiry := inv.begin(), inv.begin()
	inv.handle(payment, pay, paid)
	inv.handle(expiry, paymentTimeout, timeout)
	if err := inv.db.Commit(payment, []*event.Message{paid}); err != nil {
		t.Fatalf("commit the payment: %v", err)
	}
	err = inv.db.Commit(expiry, []*event.Message{timeout})
	if !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("commit the timeout behind the payment: %v, want %v", err, store.ErrConditionFailed)
	}
	t.Logf("the timeout's commit: %v", err)
	e.wantOrder("o-1001", map[string]any{"State": StatePaid, "CancelledBy": nil})

	retry := inv.begin()
	inv.handle(retry, paymentTimeout, timeout)
	if err := inv.db.Commit(retry, []*event.Message{timeout}); err != nil {
		t.Fatalf("commit the timeout's retry: %v", err)
	}
	e.wantOrder("o-1001", map[string]any{"State": StatePaid, "CancelledBy": nil, "Reason": nil})
	e.wantCustomer("c-42", Customer{Orders: 2, TotalPaid: 2500, Cancelled: 1}) // Cancelled: the drift
}

// invocation drives the store and its committer by hand, message by
// message, as an App does for one invocation.
type invocation struct {
	t  *testing.T
	s  *state
	db *store.DB
}

func (inv *invocation) begin() context.Context { return inv.db.Begin(context.Background()) }

// handle applies transition tr for m within the invocation of ctx.
func (inv *invocation) handle(ctx context.Context, tr transition, m *event.Message) {
	inv.t.Helper()
	var e Event
	if err := m.DecodeJSON(&e); err != nil {
		inv.t.Fatalf("decode message %s: %v", m.ID, err)
	}
	if err := inv.s.apply(fn.MessageContext(ctx, m), tr, e, m); err != nil {
		inv.t.Fatalf("%s message %s: %v", tr.tag, m.ID, err)
	}
}

// message is the i-th message of testdata/name.
func message(t *testing.T, name string, i int) *event.Message {
	t.Helper()
	p, err := event.Decode(fixture(t, name))
	if err != nil || i >= len(p.Messages) {
		t.Fatalf("decode %s: %v (%d messages)", name, err, len(p.Messages))
	}
	return &p.Messages[i]
}
