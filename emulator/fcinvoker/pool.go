package fcinvoker

import (
	"context"
	"slices"
	"sync"
)

// pool hands out invocation slots: at most conc per instance and at most
// max instances. It starts an instance, through spawn, when every slot is
// taken and there is room for another; otherwise callers wait for a slot.
type pool struct {
	max, conc int
	spawn     func(replacement bool) *instance // called with mu held

	mu        sync.Mutex
	instances []*instance
	busy      int           // slots taken
	lost      int           // instances removed after a failure, not yet replaced
	wake      chan struct{} // closed and replaced when a slot frees
	closed    error         // what acquire answers once the pool is closed
}

func newPool(max, conc int, spawn func(bool) *instance) *pool {
	return &pool{max: max, conc: conc, spawn: spawn, wake: make(chan struct{})}
}

// acquire takes a slot on an instance, starting one if need be, and waits
// for a slot while every one is taken. The caller must release it. Once
// the pool is closed it answers the error close was given.
func (p *pool) acquire(ctx context.Context) (*instance, error) {
	for {
		inst, wake, err := p.tryAcquire()
		if inst != nil || err != nil {
			return inst, err
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// tryAcquire takes a slot if one is free, else returns the channel that
// tells when to try again.
func (p *pool) tryAcquire() (*instance, <-chan struct{}, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed != nil {
		return nil, nil, p.closed
	}
	for _, inst := range p.instances {
		if inst.inflight < p.conc {
			inst.inflight++
			p.busy++
			return inst, nil, nil
		}
	}
	if len(p.instances) < p.max {
		replacement := p.lost > 0
		if replacement {
			p.lost--
		}
		inst := p.spawn(replacement)
		inst.inflight = 1
		p.busy++
		p.instances = append(p.instances, inst)
		return inst, nil, nil
	}
	return nil, p.wake, nil
}

// release returns a slot taken by acquire.
func (p *pool) release(inst *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	inst.inflight--
	p.busy--
	p.broadcast()
}

// remove takes inst out of the pool, so that no invocation goes to it any
// more; failed counts it as lost, to be replaced. It reports whether inst
// was still in the pool.
func (p *pool) remove(inst *instance, failed bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.Index(p.instances, inst)
	if i < 0 {
		return false
	}
	p.instances = slices.Delete(p.instances, i, i+1)
	if failed {
		p.lost++
	}
	p.broadcast()
	return true
}

// close makes acquire answer err from now on, wakes those waiting for a
// slot, and returns the instances of the pool.
func (p *pool) close(err error) []*instance {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = err
	p.broadcast()
	return slices.Clone(p.instances)
}

// prestart starts an instance with no slot taken, for the first
// invocations to find ready.
func (p *pool) prestart() *instance {
	p.mu.Lock()
	defer p.mu.Unlock()
	inst := p.spawn(false)
	p.instances = append(p.instances, inst)
	p.broadcast()
	return inst
}

// waitIdle waits until no slot is taken, or ctx is done.
func (p *pool) waitIdle(ctx context.Context) error {
	for {
		p.mu.Lock()
		busy, wake := p.busy, p.wake
		p.mu.Unlock()
		if busy == 0 {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// size returns the number of instances in the pool.
func (p *pool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.instances)
}

func (p *pool) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}
