package fcinvoker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

func TestInstanceConcurrency(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.InstanceConcurrency = 2
	inv := startInvoker(t, f, Options{})
	invokeOK(t, inv, "warm", "ok") // start the instance first
	ids := make([]string, 6)
	for k := range ids {
		ids[k] = fmt.Sprintf("req-hold-%d", k)
	}
	start := time.Now()
	rs := invokeIDs(t, inv, ids, "hold")
	elapsed := time.Since(start)
	var peak int64
	for _, r := range rs {
		peak = max(peak, r.Peak)
		if r.Instance != rs[0].Instance {
			t.Errorf("instances %s and %s, want one", r.Instance, rs[0].Instance)
		}
	}
	if peak != 2 {
		t.Errorf("at most %d calls at once in the instance, want 2", peak)
	}
	if elapsed < 850*time.Millisecond {
		t.Errorf("6 calls of 300ms, 2 at a time, took %s", elapsed)
	}
	for _, id := range ids {
		checkOwnLogs(t, inv, id, ids)
	}
}

// checkOwnLogs checks that the log of request id has its handler's line
// and no line of the other requests.
func checkOwnLogs(t *testing.T, inv *Invoker, id string, all []string) {
	t.Helper()
	logs := string(inv.Logs(id))
	mustContain(t, "logs of "+id, logs, "FC Invoke Start RequestId: "+id, "request_id="+id+" ", "body=hold", "FC Invoke End RequestId: "+id)
	for _, other := range all {
		if other != id && (strings.Contains(logs, other+" ") || strings.Contains(logs, other+"\n")) {
			t.Errorf("logs of %s hold a line of %s:\n%s", id, other, logs)
		}
	}
}

func TestMaxInstances(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.MaxInstances = 2
	inv := startInvoker(t, f, Options{})
	rs := invokeAll(t, inv, 4, "hold")
	instances := map[string]bool{}
	for _, r := range rs {
		instances[r.Instance] = true
		if r.Peak != 1 {
			t.Errorf("instance %s had %d calls at once, want 1", r.Instance, r.Peak)
		}
	}
	if s := inv.Stats(); len(instances) != 2 || s.Started != 2 || s.Instances != 2 {
		t.Errorf("%d instances served, stats %+v; want 2", len(instances), s)
	}
}

func TestInvokeWaitsWithinContext(t *testing.T) {
	t.Parallel()
	inv := startInvoker(t, testFunction(t), Options{})
	invokeOK(t, inv, "warm", "ok")
	var wg sync.WaitGroup
	hold := payload(t, "hold")
	wg.Go(func() {
		if res, err := inv.Invoke(t.Context(), hold, "req-hold"); err != nil || res.Failed {
			t.Errorf("hold: %+v, %v", res, err)
		}
	})
	// The hold call counts once it has the only slot; it keeps it for
	// the 300 ms of its answer.
	testwait.Until(t, 10*time.Second, "hold call on the instance", func() bool { return inv.Stats().Invocations == 2 })
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := inv.Invoke(ctx, payload(t, "ok"), "req-waits")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Invoke while the only slot is taken: %v, want the context's deadline", err)
	}
	wg.Wait()
}

// invokeIDs invokes body once per request ID, all at once.
func invokeIDs(t *testing.T, inv *Invoker, ids []string, body string) []testReply {
	t.Helper()
	results := make([]Result, len(ids))
	p := payload(t, body)
	var wg sync.WaitGroup
	for k, id := range ids {
		wg.Go(func() {
			res, err := inv.Invoke(t.Context(), p, id)
			if err != nil {
				t.Error(err)
			}
			results[k] = res
		})
	}
	wg.Wait()
	var rs []testReply
	for _, res := range results {
		if res.Failed || res.Status != 200 {
			t.Fatalf("request %s: %+v", res.RequestID, res)
		}
		rs = append(rs, replies(t, res)...)
	}
	return rs
}
