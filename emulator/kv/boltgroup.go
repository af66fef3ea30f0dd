package kv

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// group is the set of Updates sharing one bolt read-write transaction.
type group struct {
	tx      *bolt.Tx
	waiting []*request // fns that succeeded and wait for the commit
	ran     int        // fns run, failed ones included
	ops     int        // writes applied to tx
	bytes   int        // key and value bytes applied to tx
	err     error      // set when tx can no longer be committed
}

// commitLoop is the committer goroutine. Each request it receives starts a
// group; it exits once Close has closed the queue and it is drained.
func (s *BoltStore) commitLoop() {
	defer close(s.done)
	for r := range s.queue {
		s.runGroup(r)
	}
}

// runGroup runs first and then every request already queued, up to the
// group limits, in one transaction, commits it and releases the callers.
// When the previous group was shared, writers are concurrent: it also
// waits up to MaxGroupWait for the group to grow as large as that one,
// which amortizes a commit over more writers. Requests that arrive while
// it commits form the next group.
func (s *BoltStore) runGroup(first *request) {
	tx, err := s.db.Begin(true)
	if err != nil {
		first.finish(fmt.Errorf("kv: begin write transaction on %s: %w", s.path, err))
		return
	}
	g := &group{tx: tx}
	g.run(first)
	var deadline time.Time
	if s.lastGroup > 1 && s.opts.MaxGroupWait > 0 {
		deadline = time.Now().Add(s.opts.MaxGroupWait)
	}
	for g.err == nil && g.ran < s.opts.MaxGroupUpdates && g.bytes < s.opts.MaxGroupBytes {
		r := s.next()
		if r == nil && g.ran < s.lastGroup && !deadline.IsZero() {
			r = s.nextBefore(deadline)
		}
		if r == nil {
			break
		}
		g.run(r)
	}
	s.lastGroup = g.ran
	committed, err := g.commit(s.path)
	s.updates.Add(uint64(g.ran))
	if committed {
		s.commits.Add(1)
	}
	s.noteGroup(uint64(g.ran))
	g.release(err)
}

// next returns a queued request without waiting, or nil when none is.
func (s *BoltStore) next() *request {
	select {
	case r := <-s.queue:
		return r // nil once the queue is closed and empty
	default:
		return nil
	}
}

// nextBefore waits for a queued request until deadline, or returns nil.
func (s *BoltStore) nextBefore(deadline time.Time) *request {
	d := time.Until(deadline)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-s.queue:
		return r
	case <-t.C:
		return nil
	}
}

// noteGroup records n as the largest group size if it is.
func (s *BoltStore) noteGroup(n uint64) {
	for {
		cur := s.largest.Load()
		if n <= cur || s.largest.CompareAndSwap(cur, n) {
			return
		}
	}
}

// run executes r.fn against its own overlay. On success the overlay is
// applied to the transaction so later fns see it; on error or panic it is
// discarded and r is released at once.
func (g *group) run(r *request) {
	o := newOverlay(boltReader{g.tx})
	p, err := call(r.fn, o)
	g.ran++
	if err != nil || p != nil {
		r.panicVal = p
		r.finish(err)
		return
	}
	if err := applyBolt(g.tx, o); err != nil {
		g.err = err
	}
	g.ops += o.ops
	g.bytes += o.bytes
	g.waiting = append(g.waiting, r)
}

// commit ends the transaction, reporting whether it committed and the
// outcome for the waiting callers. A group that wrote nothing is rolled
// back: there is nothing to sync.
func (g *group) commit(path string) (bool, error) {
	if g.err != nil || g.ops == 0 {
		_ = g.tx.Rollback() // nothing to keep: the outcome is g.err
		return false, g.err
	}
	if err := g.tx.Commit(); err != nil {
		return false, fmt.Errorf("kv: commit %d updates to %s: %w", len(g.waiting), path, err)
	}
	return true, nil
}

// release wakes the callers waiting for the commit with its outcome.
func (g *group) release(err error) {
	for _, r := range g.waiting {
		r.finish(err)
	}
}

// call runs fn with w, turning a panic into a returned value.
func call(fn func(Writer) error, w Writer) (panicVal any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicVal = p
		}
	}()
	return nil, fn(w)
}

// finish records the outcome of r and wakes its caller.
func (r *request) finish(err error) {
	r.err = err
	close(r.done)
}
