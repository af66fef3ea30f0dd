package fn

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// A Committer carries out work that the handlers of an invocation defer to
// its end, such as writes coalesced into batches: package store's DB
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

// WithCommitter adds a Committer to every invocation; an App may have
// several (a DB per Tablestore instance, say). Their Begins run in the
// order they were added, before the first message is handled; their
// Commits run in the same order once every message was handled. Each
// Commit gets the messages that are still handled successfully: a message
// one committer fails is not in handled for the committers after it,
// which drop its work.
func WithCommitter(c Committer) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.committers = append(cfg.committers, c)
		}
	}
}

// MessageContext returns a context that attributes work to m, as the
// context of a per-message handler does. A BatchHandler uses it so that
// what it does for each message (writes, say) succeeds or fails with that
// message.
func MessageContext(ctx context.Context, m *event.Message) context.Context {
	return &withMessage{Context: ctx, m: m}
}

// handleAll handles the messages, between the committers' Begins and
// Commits when there are any.
func (a *App) handleAll(ctx context.Context, r *run) {
	cs := a.cfg.committers
	for _, c := range cs {
		ctx = c.Begin(ctx)
	}
	a.dispatchAll(ctx, r)
	for _, c := range cs {
		a.commit(ctx, r, c)
	}
}

// commit runs a committer and fails the messages it reports.
func (a *App) commit(ctx context.Context, r *run, c Committer) {
	handled := make([]*event.Message, 0, len(r.p.Messages))
	for i := range r.p.Messages {
		if m := &r.p.Messages[i]; r.errs == nil || r.errs[m.Index] == nil {
			handled = append(handled, m)
		}
	}
	if err := callCommit(ctx, c, handled); err != nil {
		failMessages(r, handled, err)
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
