package testwait_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

// Until returns once the condition holds, checking it again until then.
func TestUntil(t *testing.T) {
	var calls atomic.Int32
	testwait.Until(t, time.Minute, "the third check", func() bool { return calls.Add(1) >= 3 })
	if n := calls.Load(); n != 3 {
		t.Errorf("checked %d times, want 3", n)
	}
}

// fatalRecorder records Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = format
}

// Until fails the test, naming what it waited for, when the condition
// never holds.
func TestUntilTimesOut(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	testwait.Until(rec, 20*time.Millisecond, "miracle", func() bool { return false })
	if rec.msg == "" {
		t.Fatal("Until returned without failing")
	}
}
