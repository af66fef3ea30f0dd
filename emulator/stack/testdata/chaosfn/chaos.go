package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"os"
	"path"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Lines the test counts in the function's output.
const (
	lineCrash = "chaosfn: crash"            // + " before commit" or " after commit"
	lineHang  = "chaosfn: hang"             // + " before commit" or " after commit"
	lineFault = "chaosfn: tablestore fault" // + action and HTTP status
)

// fate is what an invocation does besides its work.
type fate int

const (
	normal      fate = iota
	crashBefore      // exit before handling: nothing is written
	crashAfter       // exit once the writes are committed: they applied, the answer is lost
	hangBefore       // sleep past the timeout before handling
	hangAfter        // sleep past the timeout once the writes are committed
)

// fateOf draws an invocation's fate from the seed and its request ID:
// each of the four misbehaviours has a 1% chance, so 2% of invocations
// crash and 2% time out. A rerun with the same seed and request IDs
// draws the same fates.
func fateOf(seed, requestID string) fate {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", seed, requestID)
	switch r := h.Sum64() % 100; {
	case r < 1:
		return crashBefore
	case r < 2:
		return crashAfter
	case r < 3:
		return hangBefore
	case r < 4:
		return hangAfter
	}
	return normal
}

// chaos is the DB as the App's committer, misbehaving around the commit
// as each invocation's fate says.
type chaos struct {
	db   *store.DB
	seed string
}

// Begin starts collecting the invocation's writes, after crashing or
// hanging first when that is its fate.
func (c chaos) Begin(ctx context.Context) context.Context {
	c.act(ctx, crashBefore, hangBefore, "before commit")
	return c.db.Begin(ctx)
}

// Commit applies the writes, then crashes or hangs when that is the
// invocation's fate.
func (c chaos) Commit(ctx context.Context, handled []*event.Message) error {
	err := c.db.Commit(ctx, handled)
	c.act(ctx, crashAfter, hangAfter, "after commit")
	return err
}

// act exits when the invocation's fate is crash, sleeps past any
// timeout when it is hang, and returns otherwise.
func (c chaos) act(ctx context.Context, crash, hang fate, when string) {
	inv, ok := fn.FromContext(ctx)
	if !ok {
		return
	}
	switch fateOf(c.seed, inv.RequestID) {
	case crash:
		fmt.Fprintln(os.Stderr, lineCrash, when, inv.RequestID)
		os.Exit(3)
	case hang:
		fmt.Fprintln(os.Stderr, lineHang, when, inv.RequestID)
		time.Sleep(time.Hour) // the invoker kills the instance at the timeout
	}
}

// withFaultLog makes cfg's requests write a line for every answer that is
// a Tablestore error, so the test can count the injected faults.
func withFaultLog(cfg store.Config) store.Config {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 16
	cfg.Transport = faultLog{base: base}
	return cfg
}

// faultLog is a transport that reports error answers on stderr.
type faultLog struct{ base http.RoundTripper }

func (f faultLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.base.RoundTrip(r)
	if err == nil && resp.StatusCode >= 300 {
		fmt.Fprintln(os.Stderr, lineFault, path.Base(r.URL.Path), resp.StatusCode)
	}
	return resp, err
}
