package store_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the fault injection tests (0: from the clock)")

// seed returns the seed of t's randomness, and logs it if t fails.
func seed(t *testing.T) uint64 {
	s := *seedFlag
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d (rerun with -seed=%d)", s, s)
		}
	})
	return s
}

// TestRedeliveryRegrouped: a message redelivered in another batch than
// the one that applied it has its writes merged with others' there; the
// read of the markers leaves it out, and the rest apply once.
func TestRedeliveryRegrouped(t *testing.T) {
	e := newEnv(t)
	app := counterApp(t, e.db)
	one := func(id string) msg { return msg{ID: id, Body: bump{Name: "hot"}} }
	invoke(t, app, payload(t, one("a"), one("b")))
	e.requests.take()
	invoke(t, app, payload(t, one("c"), one("a"), one("d"), one("b")))
	// Written on the guess that the row lacks the four markers, refused,
	// read, written with c and d.
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 1, "BatchWriteRow": 2})
	wantN(t, e.db, "hot", 4)
	invoke(t, app, payload(t, one("d"), one("e"), one("c")))
	wantN(t, e.db, "hot", 5)
}

// hook runs before once, at the first request of action, then passes
// every request on.
type hook struct {
	action string
	before func()
	done   atomic.Bool
}

func (h *hook) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/"+h.action) && h.done.CompareAndSwap(false, true) {
		h.before()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestAppliedBetweenReadAndWrite: another invocation applies some of a
// merged operation's messages before the commit's write, which took the
// row to be new. The write's condition fails; the commit reads the row,
// leaves out what the other applied, and applies the rest once.
func TestAppliedBetweenReadAndWrite(t *testing.T) {
	e := newEnv(t)
	app := counterApp(t, e.db)
	other := counterApp(t, e.openDB(t)) // a concurrent invocation elsewhere
	one := func(id string) msg { return msg{ID: id, Body: bump{Name: "hot"}} }
	e.requests.through(&hook{action: "BatchWriteRow", before: func() {
		invoke(t, other, payload(t, one("b"), one("c")))
	}})
	e.requests.take()
	invoke(t, app, payload(t, one("a"), one("b"), one("c"), one("d")))
	// Write refused, read, write of a and d.
	wantRequests(t, e.requests.take(), map[string]int{"BatchGetRow": 1, "BatchWriteRow": 2})
	wantN(t, e.db, "hot", 4)
	if n := len(e.raw(t, "counters", "name", "hot").markers()); n != 4 {
		t.Errorf("%d markers, want 4", n)
	}
}

// TestPartOfAMessageApplied: a message's two writes to a row go in two
// operations (the second's condition is the service's to check); the
// second fails, and so does the message. Its redelivery applies the
// second alone: the marker counts the message's writes that applied.
func TestPartOfAMessageApplied(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, b bump) error {
		key := Counter{Name: b.Name}
		if err := counters.Increment(ctx, key, "N", 1); err != nil {
			return err
		}
		return counters.Update(ctx, key, []store.Change{store.Add("Gated", 1)}, store.If("Gate", "=", "open"))
	}))
	if err := counters.Update(context.Background(), Counter{Name: "c"}, []store.Change{store.Set("Gate", "closed")}); err != nil {
		t.Fatal(err)
	}
	p := batch(t, "m", bump{Name: "c"})
	_, err := app.Invoke(context.Background(), p)
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || len(ie.Failures) != 1 || !strings.Contains(ie.Failures[0].Error, "condition check failed") {
		t.Fatalf("Invoke with the gate closed = %v, want the message failed on its condition", err)
	}
	if err := counters.Update(context.Background(), Counter{Name: "c"}, []store.Change{store.Set("Gate", "open")}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		invoke(t, app, p)
	}
	row := e.raw(t, "counters", "name", "c")
	if row.cols["N"] != int64(1) || row.cols["Gated"] != int64(1) {
		t.Errorf("N = %v, Gated = %v, want 1 and 1", row.cols["N"], row.cols["Gated"])
	}
	if got := row.cols[markerOf("m-0")]; got != int64(2) {
		t.Errorf("the message's marker holds %v, want 2 (its writes applied)", got)
	}
}

// dropping passes requests to the server and, for a share of them, drops
// the response once the server has answered: the request applied, but the
// client sees a broken connection and cannot know.
type dropping struct {
	mu      sync.Mutex
	rng     *rand.Rand
	rate    map[string]float64 // by action
	dropped map[string]int
}

var errDropped = errors.New("connection reset: response dropped by the test")

func (d *dropping) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	action := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	d.mu.Lock()
	drop := d.rng.Float64() < d.rate[action]
	if drop {
		d.dropped[action]++
	}
	d.mu.Unlock()
	if !drop {
		return resp, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errDropped
}

// TestUnknownOutcomesExactlyOnce drops the responses of 40% of the writes
// and 20% of the reads after the server applied them, over invocations
// that increment a hot row, a few warm rows and distinct rows, each
// delivered twice: every increment applies once.
func TestUnknownOutcomesExactlyOnce(t *testing.T) {
	e := newEnv(t)
	d := &dropping{rng: rand.New(rand.NewPCG(seed(t), 1)), dropped: map[string]int{},
		rate: map[string]float64{"BatchWriteRow": 0.4, "BatchGetRow": 0.2}}
	app := counterApp(t, e.db)
	e.requests.through(d)
	const invocations = 20
	want := map[string]int64{}
	for i := range invocations {
		var bodies []any
		for j := range 10 {
			bodies = append(bodies, bump{Name: "hot"}, bump{Name: fmt.Sprint("warm-", j%3)}, bump{Name: fmt.Sprintf("d-%d-%d", i, j)})
			want["hot"]++
			want[fmt.Sprint("warm-", j%3)]++
			want[fmt.Sprintf("d-%d-%d", i, j)]++
		}
		p := batch(t, fmt.Sprint("m", i), bodies...)
		invoke(t, app, p)
		invoke(t, app, p) // a redelivery
	}
	e.requests.through(nil)
	if d.dropped["BatchWriteRow"] == 0 || d.dropped["BatchGetRow"] == 0 {
		t.Errorf("dropped %v: the faults did not fire", d.dropped)
	}
	t.Logf("responses dropped: %v", d.dropped)
	for name, n := range want {
		wantN(t, e.db, name, n)
	}
}

// TestConcurrentInvocationsOnHotRow commits invocations at once on the
// same rows, from two DBs (two function instances): version checks fail
// and commits read again, and every increment applies once.
func TestConcurrentInvocationsOnHotRow(t *testing.T) {
	e := newEnv(t)
	apps := []*fn.App{counterApp(t, e.db), counterApp(t, e.openDB(t))}
	const invocations = 8
	var wg sync.WaitGroup
	errs := make(chan error, invocations)
	for i := range invocations {
		var bodies []any
		for range 20 {
			bodies = append(bodies, bump{Name: "hot"}, bump{Name: fmt.Sprint("warm-", i%2)})
		}
		p := batch(t, fmt.Sprint("m", i), bodies...)
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := apps[i%2].Invoke(ctx, p); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantN(t, e.db, "hot", 20*invocations)
	wantN(t, e.db, "warm-0", 20*invocations/2)
	wantN(t, e.db, "warm-1", 20*invocations/2)
}

// openDB opens another DB on e's server, as another function instance
// would.
func (e *env) openDB(t testing.TB) *store.DB {
	t.Helper()
	cred := e.srv.Credentials()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections) // before the server closes: it waits for open connections
	db, err := store.Open(store.Config{Endpoint: e.srv.Endpoint(), Instance: e.srv.Instance(),
		Credentials: fn.Credentials{AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret}, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	return db
}
