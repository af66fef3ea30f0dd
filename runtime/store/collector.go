package store

import (
	"context"
	"errors"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

type fnMessage = event.Message

// collector gathers the writes of one invocation, and what its reads saw
// of them.
type collector struct {
	mu     sync.Mutex
	rows   map[string][]*write // row -> its writes, in the order made
	effect map[string]*effect  // row -> what its writes do, for reads
	order  []string            // rows in the order first written
	seq    int                 // writes so far
	scopes map[*event.Message]*scope
	reads  map[*event.Message][]sawPending
	closed bool
}

// sawPending records that a message read a row while other messages had
// writes to it pending: its decisions after the read assume that the
// first n writes of the row apply.
type sawPending struct {
	row   string
	n     int // the row's writes the read saw
	after int // the collector's writes before the read
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

func (c *collector) add(w *write) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("tablestore: write after the invocation's commit")
	}
	if _, ok := c.rows[w.row]; !ok {
		c.order = append(c.order, w.row)
	}
	c.seq++
	w.seq = c.seq
	c.rows[w.row] = append(c.rows[w.row], w)
	e := c.effect[w.row]
	if e == nil {
		e = &effect{}
		c.effect[w.row] = e
	}
	e.add(w)
	return nil
}

// pendingFor returns what the writes to row made so far do, ok false when
// there are none, and records that m read them when some are another
// message's.
func (c *collector) pendingFor(m *event.Message, row string) (eff effect, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ws := c.rows[row]
	if len(ws) == 0 {
		return effect{}, false
	}
	if m != nil {
		for _, w := range ws {
			if w.msg != m {
				c.reads[m] = append(c.reads[m], sawPending{row: row, n: len(ws), after: c.seq})
				break
			}
		}
	}
	return c.effect[row].clone(), true
}

// Begin starts collecting the writes of an invocation (fn.Committer).
func (db *DB) Begin(ctx context.Context) context.Context {
	return context.WithValue(ctx, collectorKey{}, &collector{
		rows:   map[string][]*write{},
		effect: map[string]*effect{},
		scopes: map[*event.Message]*scope{},
		reads:  map[*event.Message][]sawPending{},
	})
}

// Commit applies the writes of the messages whose handlers succeeded,
// each row's in the order they were made, merged into as few row
// operations as their conditions allow and coalesced into batches, and
// fails each message one of whose writes failed (fn.Committer). The
// writes of failed messages are dropped: a failed message changes
// nothing. A message that read a row while another message's write to it
// was pending fails when that write does not apply.
func (db *DB) Commit(ctx context.Context, handled []*event.Message) error {
	c := collectorFrom(ctx)
	if c == nil {
		return errors.New("tablestore: Commit without Begin")
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errors.New("tablestore: Commit called twice")
	}
	c.closed = true
	rows := make([][]*write, 0, len(c.order))
	for _, id := range c.order {
		rows = append(rows, c.rows[id])
	}
	reads := c.reads
	c.mu.Unlock()

	ok := make(map[*event.Message]bool, len(handled))
	for _, m := range handled {
		ok[m] = true
	}
	cm := db.newCommit(rows, reads)
	for _, rp := range cm.rows {
		for _, w := range rp.all {
			if w.msg != nil && !ok[w.msg] {
				cm.dropWrite(w, errHandlerFailed)
			}
		}
	}
	for m := range reads {
		if !ok[m] {
			cm.msg(m).err = errHandlerFailed
		}
	}
	cm.run(ctx)

	var errs []error
	for _, m := range handled {
		if ms := cm.msgs[m]; ms != nil && ms.err != nil {
			errs = append(errs, fn.MessageError(m, ms.err))
		}
	}
	for _, rp := range cm.rows {
		for _, w := range rp.all {
			if w.msg == nil && w.err != nil {
				errs = append(errs, w.err)
			}
		}
	}
	return errors.Join(errs...)
}

var errHandlerFailed = errors.New("tablestore: the message's handler failed")
