package main

import (
	"context"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/tablestore"
)

// committer is the App's fn.Committer: the DB's, which applies the writes
// of an invocation together once its messages are handled, plus a view of
// the orders the invocation has changed so far.
//
// Reads go to Tablestore and do not see the invocation's uncommitted
// writes, so without the view a paid message would not see the order its
// batch's created message inserts, nor a payment-timeout the payment
// handled just before it.
type committer struct{ db *tablestore.DB }

// Begin starts collecting the invocation's writes and gives it an empty
// view.
func (c committer) Begin(ctx context.Context) context.Context {
	return context.WithValue(c.db.Begin(ctx), viewKey{}, &view{orders: map[string]Order{}})
}

// Commit applies the writes of the messages handled successfully.
func (c committer) Commit(ctx context.Context, handled []*event.Message) error {
	return c.db.Commit(ctx, handled)
}

// view holds each order as the invocation's handled messages leave it,
// writes not yet committed included. When a write then fails at commit,
// its message fails, and so does the invocation, which EventBridge
// retries whole: every decision made from the view is made again.
type view struct {
	mu     sync.Mutex
	orders map[string]Order
}

type viewKey struct{}

func viewFrom(ctx context.Context) *view {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v
}

// get returns the order id as the invocation left it, if it has seen it.
func (v *view) get(id string) (Order, bool) {
	if v == nil {
		return Order{}, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	o, ok := v.orders[id]
	return o, ok
}

// put records o as the invocation leaves it.
func (v *view) put(o Order) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.orders[o.ID] = o
}
