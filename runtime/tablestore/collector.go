package tablestore

import (
	"context"
	"errors"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

type fnMessage = event.Message

// collector gathers the writes of one invocation.
type collector struct {
	mu     sync.Mutex
	ops    []*op
	scopes map[*event.Message]*scope
}

type collectorKey struct{}

func collectorFrom(ctx context.Context) *collector {
	c, _ := ctx.Value(collectorKey{}).(*collector)
	return c
}

func (c *collector) scopeOf(m *event.Message) *scope {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.scopes[m]
	if s == nil {
		s = newScope(m.ID)
		c.scopes[m] = s
	}
	return s
}

func (c *collector) add(o *op) {
	c.mu.Lock()
	c.ops = append(c.ops, o)
	c.mu.Unlock()
}

// Begin starts collecting the writes of an invocation (fn.Committer).
func (db *DB) Begin(ctx context.Context) context.Context {
	return context.WithValue(ctx, collectorKey{}, &collector{scopes: map[*event.Message]*scope{}})
}

// Commit applies the writes of the messages whose handlers succeeded, in
// the order they were made, coalesced into BatchWriteRow requests, and
// fails each message one of whose writes failed (fn.Committer). The writes
// of failed messages are dropped: a failed message changes nothing.
func (db *DB) Commit(ctx context.Context, handled []*event.Message) error {
	c := collectorFrom(ctx)
	if c == nil {
		return errors.New("tablestore: Commit without Begin")
	}
	ok := make(map[*event.Message]bool, len(handled))
	for _, m := range handled {
		ok[m] = true
	}
	c.mu.Lock()
	ops := make([]*op, 0, len(c.ops))
	for _, o := range c.ops {
		if o.msg == nil || ok[o.msg] {
			ops = append(ops, o)
		}
	}
	c.ops = nil
	c.mu.Unlock()
	db.apply(ctx, ops)
	var errs []error
	for _, o := range ops {
		switch {
		case o.err == nil:
		case o.msg != nil:
			errs = append(errs, fn.MessageError(o.msg, o.err))
		default:
			errs = append(errs, o.err)
		}
	}
	return errors.Join(errs...)
}
