// Package testwait waits in tests for state that nothing signals: files
// another process writes, counters of a server in another goroutine or
// process. Where the code under test offers a signal (a channel, a
// callback) or runs in one process, tests use that or testing/synctest
// instead.
package testwait

import (
	"testing"
	"time"
)

// poll is how often Until checks its condition.
const poll = 5 * time.Millisecond

// Until checks cond until it holds, failing the test when it still does
// not after timeout; what names what was awaited, for the failure.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if cond() {
		return
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case <-tick.C:
			if cond() {
				return
			}
		case <-deadline.C:
			if cond() {
				return
			}
			t.Fatalf("no %s after %s", what, timeout)
			return
		}
	}
}
