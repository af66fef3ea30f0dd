package fn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

// A RowHandler handles one row change of a Tablestore trigger's
// invocation (see App.HandleRows). An error fails that change alone.
type RowHandler interface {
	HandleRow(ctx context.Context, c *rowchange.Change) error
}

// RowFunc adapts a function to a RowHandler.
type RowFunc func(ctx context.Context, c *rowchange.Change) error

// HandleRow calls f(ctx, c).
func (f RowFunc) HandleRow(ctx context.Context, c *rowchange.Change) error { return f(ctx, c) }

// Rows returns a RowHandler that applies each change to a T, a struct with
// package store's `tablestore` tags (see rowchange.Change.Decode), and
// calls f with it. A change that does not fit T fails alone, with an error
// naming the column. Changes of package store's bookkeeping columns alone
// (rowchange.Change.Bookkeeping: the expiry of idempotency markers) are
// not the row's own: they succeed without calling f. Rows panics when T is
// not a row type, with rowchange.Check's error.
func Rows[T any](f func(ctx context.Context, row rowchange.Row[T]) error) RowHandler {
	if err := rowchange.Check[T](); err != nil {
		panic(fmt.Errorf("fn: Rows: %w", err))
	}
	return typedRowsFunc[T](func(ctx context.Context, c *rowchange.Change) error {
		if c.Bookkeeping() {
			return nil
		}
		row, err := rowchange.RowOf[T](c)
		if err != nil {
			return err
		}
		return f(ctx, row)
	})
}

// HandleRows routes the invocations of a Tablestore trigger to h, one
// call per row change, in payload order. See "Tablestore trigger events"
// in the package documentation. An App has one rows route: HandleRows
// panics when called again, or with a nil h.
func (a *App) HandleRows(h RowHandler) {
	a.mustNotBeSealed()
	switch {
	case h == nil:
		panic("fn: HandleRows with a nil handler")
	case a.rows != nil:
		panic("fn: HandleRows called twice: an App has one rows route")
	}
	a.rows = rowsRoute{h}
	a.aboutR = describeHandler(KindRows, h, 1)
}

// rowsKey carries an invocation's changes by payload position.
type rowsKey struct{}

// rowsRoute is a RowHandler as the Handler of the message a change is
// handled as, so that middleware and hooks apply to it.
type rowsRoute struct{ h RowHandler }

var errNoChange = errors.New("fn: the message's row change is not in the context (did a middleware replace the context?)")

func (r rowsRoute) Handle(ctx context.Context, m *event.Message) (any, error) {
	changes, _ := ctx.Value(rowsKey{}).([]*rowchange.Change)
	if m.Index < 0 || m.Index >= len(changes) || changes[m.Index] == nil {
		return nil, errNoChange
	}
	return nil, r.h.HandleRow(ctx, changes[m.Index])
}

// invokeRows handles a Tablestore trigger's payload: each record as one
// message whose ID is the change's, whose sharding key is its row and
// whose Body is its record in CBOR. A record that did not decode fails
// alone; a payload that did not fails the invocation as malformed.
func (a *App) invokeRows(ctx context.Context, start time.Time, payload []byte) ([]byte, error) {
	b, err := rowchange.Decode(payload)
	if err != nil {
		return a.finish(ctx, start, event.Payload{}, err)
	}
	n := b.Len()
	p := &event.Payload{Batch: true, Messages: make([]event.Message, n)}
	changes := make([]*rowchange.Change, n)
	for i := range b.Changes {
		c := &b.Changes[i]
		changes[c.Index] = c
		p.Messages[c.Index] = event.Message{ID: c.ID, Index: c.Index, ShardingKey: c.RowKey(), Body: c.Record, BodyKind: event.Raw}
	}
	for _, e := range b.Failed {
		p.Messages[e.Record] = event.Message{Index: e.Record}
	}
	ctx = context.WithValue(ctx, rowsKey{}, changes)
	out, ierr, failed := a.process(ctx, p, func(ctx context.Context, r *run) {
		for _, e := range b.Failed {
			r.fail(&p.Messages[e.Record], e)
		}
		cs := a.cfg.committers
		for _, c := range cs {
			ctx = c.Begin(ctx)
		}
		for i := range p.Messages {
			if changes[i] == nil {
				continue
			}
			m := &p.Messages[i]
			r.calls++
			res, err := a.handleOne(ctx, m, a.rows)
			r.record(m, res, err)
		}
		for _, c := range cs {
			a.commit(ctx, r, c)
		}
	})
	return a.done(ctx, start, out, ierr, n, failed)
}
