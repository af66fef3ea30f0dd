package fn

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// errGoexit fails a message whose handler called runtime.Goexit (as
// t.FailNow does) instead of returning.
var errGoexit = errors.New("the handler ended its goroutine (runtime.Goexit) without returning")

// handleConcurrently handles messages on up to cfg.concurrency goroutines.
// Messages that share a sharding key form one group, handled in payload
// order by one goroutine; messages without a key are groups of their own.
func (a *App) handleConcurrently(ctx context.Context, r *run, routes []*route) {
	msgs := r.p.Messages
	groups := groupByShardingKey(r, routes)
	type outcome struct {
		res any
		err error
	}
	outcomes := make([]outcome, len(msgs))
	work := make(chan []int)
	var wg sync.WaitGroup
	var worker func()
	worker = func() {
		var group []int
		pos, returned := 0, false
		defer func() {
			if returned || group == nil {
				return
			}
			// The handler of group[pos] ended its goroutine
			// (runtime.Goexit) instead of returning: it failed, the
			// rest of its group was not handled, and another worker
			// takes this one's place, so that no group waits forever.
			outcomes[group[pos]] = outcome{nil, errGoexit}
			for _, i := range group[pos+1:] {
				outcomes[i] = outcome{nil, fmt.Errorf("not handled: an earlier message of sharding key %q failed: %w", msgs[i].ShardingKey, errGoexit)}
			}
			wg.Go(worker)
		}()
		for group = range work {
			for pos = 0; pos < len(group); pos++ {
				i := group[pos]
				res, err := a.handleOne(ctx, &msgs[i], routes[i].handler)
				outcomes[i] = outcome{res, err}
			}
		}
		returned = true
	}
	for range min(a.cfg.concurrency, len(groups)) {
		wg.Go(worker)
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
	for i, o := range outcomes {
		if routes[i] != nil && routes[i].handler != nil {
			r.calls++
			r.record(&msgs[i], o.res, o.err)
		}
	}
}

// groupByShardingKey returns the indexes of routed messages in groups that
// must be handled in order.
func groupByShardingKey(r *run, routes []*route) [][]int {
	var groups [][]int
	byKey := make(map[string]int)
	for i, rt := range routes {
		if rt == nil || rt.handler == nil {
			continue
		}
		key := r.p.Messages[i].ShardingKey
		if key == "" {
			groups = append(groups, []int{i})
			continue
		}
		if g, ok := byKey[key]; ok {
			groups[g] = append(groups[g], i)
			continue
		}
		byKey[key] = len(groups)
		groups = append(groups, []int{i})
	}
	return groups
}
