package fn

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// A Committer carries out work that the handlers of an invocation defer to
// its end, such as writes coalesced into batches: package tablestore's DB
// is one.
type Committer interface {
	// Begin returns the context the invocation's handlers get, carrying
	// whatever collects their deferred work.
	Begin(ctx context.Context) context.Context
	// Commit runs once every message of the invocation was handled, with
	// the context Begin returned and the messages whose handlers
	// succeeded; the work deferred by the others is to be dropped. Errors
	// made by MessageError fail their messages; any other error fails
	// every message in handled.
	Commit(ctx context.Context, handled []*event.Message) error
}

// WithCommitter sets the Committer of every invocation.
func WithCommitter(c Committer) Option { return func(cfg *config) { cfg.committer = c } }

// MessageContext returns a context that attributes work to m, as the
// context of a per-message handler does. A BatchHandler uses it so that
// what it does for each message (writes, say) succeeds or fails with that
// message.
func MessageContext(ctx context.Context, m *event.Message) context.Context {
	return &withMessage{Context: ctx, m: m}
}

// handleAll handles the messages, between the committer's Begin and
// Commit when there is one.
func (a *App) handleAll(ctx context.Context, r *run) {
	c := a.cfg.committer
	if c == nil {
		a.dispatchAll(ctx, r)
		return
	}
	ctx = c.Begin(ctx)
	a.dispatchAll(ctx, r)
	a.commit(ctx, r, c)
}

// commit runs the committer and fails the messages it reports.
func (a *App) commit(ctx context.Context, r *run, c Committer) {
	handled := make([]*event.Message, 0, len(r.p.Messages))
	for i := range r.p.Messages {
		if m := &r.p.Messages[i]; r.errs == nil || r.errs[m.Index] == nil {
			handled = append(handled, m)
		}
	}
	err := callCommit(ctx, c, handled)
	if err == nil {
		return
	}
	named, general := splitMessageErrors(err)
	for _, m := range handled {
		switch e, ok := named[m]; {
		case ok:
			r.fail(m, e)
		case general != nil:
			r.fail(m, general)
		}
	}
}

func callCommit(ctx context.Context, c Committer, handled []*event.Message) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recovered(v)
		}
	}()
	return c.Commit(ctx, handled)
}
