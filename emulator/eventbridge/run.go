package eventbridge

import (
	"context"
	"errors"
	"sync"
	"time"
)

// runState is a running Run.
type runState struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error // why Run stopped by itself
}

// fail stops Run with err, unless it is already stopping for another.
func (rs *runState) fail(err error) {
	rs.once.Do(func() { rs.err = err })
	rs.cancel()
}

// errRunning is returned by a second concurrent Run.
var errRunning = errors.New("eventbridge: Run is already running")

// Run consumes and delivers for every trigger until ctx ends: per trigger
// one goroutine long-polls the broker and another delivers. It returns
// nil once ctx has ended and the invocations in flight have finished
// (they are not cancelled), or an error when the broker was closed under
// it.
func (b *Bridge) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rs := &runState{ctx: ctx, cancel: cancel}
	b.mu.Lock()
	if b.run != nil {
		b.mu.Unlock()
		return errRunning
	}
	b.run = rs
	for _, t := range b.order {
		b.start(rs, t)
	}
	b.mu.Unlock()
	<-ctx.Done()
	b.mu.Lock()
	b.run = nil
	b.mu.Unlock()
	rs.wg.Wait()
	return rs.err
}

// start runs a trigger's consumer and dispatcher. b.mu is held.
func (b *Bridge) start(rs *runState, t *trigger) {
	rs.wg.Add(2)
	go func() {
		defer rs.wg.Done()
		if err := b.consume(rs.ctx, t); err != nil {
			b.log.Error("eventbridge: consumer stopped", "trigger", t.cfg.Name, "err", err)
			rs.fail(err)
		}
	}()
	go func() {
		defer rs.wg.Done()
		b.dispatch(rs.ctx, t)
	}()
}

// dispatch delivers a trigger's batches as they become due until ctx
// ends. On the wall clock it sleeps until the next batch window or retry;
// with a fake clock it waits for new events, a redrive or Tick.
func (b *Bridge) dispatch(ctx context.Context, t *trigger) {
	for {
		b.drain(ctx, t)
		var tm *time.Timer
		var timer <-chan time.Time
		if due := t.due(); b.wall && !due.IsZero() {
			tm = time.NewTimer(max(time.Until(due), time.Millisecond))
			timer = tm.C
		}
		select {
		case <-t.wake:
		case <-timer:
		case <-ctx.Done():
		}
		if tm != nil {
			tm.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// Tick does what is due now on every trigger and returns when it is done:
// it takes over the messages the broker has ready (unless Run's consumer
// is polling, in which case that consumer does), cuts the batches whose
// count, size or window is reached and makes the retries that are due.
// With a fake clock, move the clock and call Tick; a day of retries then
// takes as many Ticks as it has retries.
func (b *Bridge) Tick() {
	ctx := context.Background()
	for _, t := range b.all() {
		for {
			n := b.pullNow(ctx, t)
			if !b.drain(ctx, t) && n == 0 {
				break
			}
		}
	}
}

// pullNow takes over what the broker has ready for a trigger without
// waiting, unless a consumer is polling already.
func (b *Bridge) pullNow(ctx context.Context, t *trigger) int {
	if !t.pullMu.TryLock() {
		return 0
	}
	defer t.pullMu.Unlock()
	n, err := b.pullLocked(ctx, t, 0)
	if err != nil {
		b.log.Warn("eventbridge: consuming", "trigger", t.cfg.Name, "err", err)
	}
	return n
}
