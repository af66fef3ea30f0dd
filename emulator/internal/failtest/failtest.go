// Package failtest checks how test helpers fail: it runs a helper with a
// testing.TB that records Errorf and Fatalf instead of failing the test.
package failtest

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps the failures of the code it is
// given; the rest (Cleanup, TempDir, Context) is the test's.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// Run calls body on a goroutine of its own, as a test runs, with a
// testing.TB whose Errorf and Fatalf (Fatalf ending body) are recorded,
// and returns the failures, one a line.
func Run(t *testing.T, body func(testing.TB)) string {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		body(r)
	}()
	<-done
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.failed, "\n")
}

// Want fails t unless failures, as Run returns them, name every string
// of want.
func Want(t *testing.T, failures string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(failures, w) {
			t.Errorf("the failures %q do not name %q", failures, w)
		}
	}
}
