package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// A transition is what a paid, cancelled or payment-timeout message does
// to its order: move it from one of the states from to the state to.
type transition struct {
	tag    string
	to     string
	from   []string
	reason string // the cancellation reason it sets; "" takes the body's
	// quiet transitions do nothing, successfully, to an order in a state
	// they do not apply to; the others fail their message.
	quiet bool
}

// The transitions. Orders only move forward, created → paid → cancelled,
// so each of CreatedBy, PaidBy and CancelledBy is set once at most.
var (
	pay            = transition{tag: TagPaid, to: StatePaid, from: []string{StateCreated}}
	cancel         = transition{tag: TagCancelled, to: StateCancelled, from: []string{StateCreated, StatePaid}}
	paymentTimeout = transition{tag: TagPaymentTimeout, to: StateCancelled, from: []string{StateCreated},
		reason: ReasonPaymentTimeout, quiet: true}
)

// errNotCreated fails a message whose order has no row yet.
var errNotCreated = errors.New("the order has not been created (its created message has not been handled)")

// apply makes transition t for the message m with body e:
//
//   - order not found: the message fails, and is retried (see the package doc);
//   - t already made by m (a redelivery): the customer update is made
//     again, a no-op if it applied, and the order is left as it is;
//   - order already in t's target state, moved there by another message
//     (a duplicate, or a payment-timeout after a cancellation): nothing;
//   - order in a state t does not apply to: nothing if t is quiet, else
//     the message fails;
//   - else the order's row is updated on the condition that its state is
//     still the one read, and the customer's counters with it.
func (s *state) apply(ctx context.Context, t transition, e Event, m *event.Message) error {
	if e.ID == "" {
		return errNoID
	}
	if err := s.checkMessage(ctx, e, m); err != nil {
		return err
	}
	o, found, err := s.load(ctx, e.ID)
	switch {
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("%s order %q: %w", t.tag, e.ID, errNotCreated)
	case o.by(t.to) == m.ID: // a redelivery
	case o.State == t.to:
		s.log.InfoContext(ctx, "orders: order already "+t.to+" by another message: nothing to do", "order", e.ID, "tag", t.tag)
		return nil
	case !slices.Contains(t.from, o.State) && t.quiet:
		s.log.InfoContext(ctx, "orders: "+t.tag+" does not apply in the order's state: nothing to do",
			"order", e.ID, "state", o.State)
		return nil
	case !slices.Contains(t.from, o.State):
		return fmt.Errorf("%s order %q: not allowed in state %q", t.tag, e.ID, o.State)
	default:
		if o, err = s.move(ctx, t, o, e, m.ID); err != nil {
			return err
		}
	}
	return s.count(ctx, o.Customer, t.effect(o)...)
}

// move updates order o's row for t, if its state is still o.State, and
// returns the order as the update leaves it.
func (s *state) move(ctx context.Context, t transition, o Order, e Event, messageID string) (Order, error) {
	next := o
	next.State = t.to
	changes := []store.Change{store.Set("State", t.to)}
	stamp := func(col string, field *string, v string) {
		*field = v
		if v != "" {
			changes = append(changes, store.Set(col, v))
		}
	}
	switch t.to {
	case StatePaid:
		stamp("PaidAt", &next.PaidAt, e.at())
		stamp("PaidBy", &next.PaidBy, messageID)
	case StateCancelled:
		stamp("CancelledAt", &next.CancelledAt, e.at())
		stamp("CancelledBy", &next.CancelledBy, messageID)
		stamp("Reason", &next.Reason, t.reasonFor(e))
	}
	err := s.orders.Update(ctx, Order{ID: o.ID}, changes, store.IfExists(), store.If("State", "=", o.State))
	if err != nil {
		return o, fmt.Errorf("%s order %q: update: %w", t.tag, o.ID, err)
	}
	return next, nil
}

// effect is the change t makes to the counters of the customer of o,
// the order as t leaves it. A cancelled order that was paid (PaidBy is
// set: an order is never paid after its cancellation) is refunded.
func (t transition) effect(o Order) []store.Change {
	switch {
	case t.to == StatePaid:
		return []store.Change{store.Add("TotalPaid", o.Amount)}
	case o.PaidBy != "":
		return []store.Change{store.Add("Cancelled", 1), store.Add("Refunded", o.Amount)}
	}
	return []store.Change{store.Add("Cancelled", 1)}
}

// reasonFor is the cancellation reason t records for body e.
func (t transition) reasonFor(e Event) string {
	switch {
	case t.reason != "":
		return t.reason
	case e.Reason != "":
		return e.Reason
	}
	return ReasonCancelled
}

// by is the ID of the message that moved o to state, "" if none did.
func (o Order) by(state string) string {
	switch state {
	case StateCreated:
		return o.CreatedBy
	case StatePaid:
		return o.PaidBy
	case StateCancelled:
		return o.CancelledBy
	}
	return ""
}
