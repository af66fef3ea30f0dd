package stack_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
}

// TestFailuresRetriedThenDeadLettered runs a function that fails, times
// out or crashes on command behind an event-driven trigger with
// BACKOFF_RETRY and a dead-letter queue: each bad message is retried three
// times and dead-lettered with its reason, the others are delivered, and
// messages the tag filter or the pattern leave out never reach it.
func TestFailuresRetriedThenDeadLettered(t *testing.T) {
	proj, err := syaml.Load("testdata/faults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Now()}
	s, err := stack.Start(context.Background(), stack.Config{Project: proj, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	cred := s.MQ.Credentials()
	p := mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "").GetProducer("", "jobs")
	send := func(body, tag, kind string) {
		if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body, MessageTag: tag, Properties: map[string]string{"kind": kind}}); err != nil {
			t.Fatal(err)
		}
	}
	send("ok", "run", "test")
	send("fail", "run", "test")
	send("sleep", "retry", "test")
	send("crash", "run", "test")
	send("ok", "other", "test") // the tag filter leaves it out
	send("ok", "run", "prod")   // the pattern leaves it out
	send("ok", "retry", "test")

	// The bridge's consumer takes the messages over in the background;
	// nothing signals that, so the test polls while it moves the clock.
	testwait.Until(t, time.Minute, "2 deliveries and 3 dead letters", func() bool {
		s.Tick()
		st := s.Bridge.Stats("flaky-rocketmq")
		if st.DeadLettered == 3 && st.Delivered == 2 && st.Pending == 0 {
			return true
		}
		if due := s.Bridge.Due(); !due.IsZero() {
			clock.Set(due)
		}
		return false
	})
	st := s.Bridge.Stats("flaky-rocketmq")
	if st.Delivered != 2 || st.DeadLettered != 3 || st.Filtered != 1 || st.Retried != 9 {
		t.Fatalf("stats = %+v, want 2 delivered, 3 dead-lettered after 3 retries each, 1 filtered", st)
	}
	dls, err := s.Bridge.DeadLetters("flaky-rocketmq")
	if err != nil || len(dls) != 3 {
		t.Fatalf("dead letters = %v, %v", dls, err)
	}
	reasons := ""
	for _, d := range dls {
		reasons += d.Reason + "\n"
	}
	for _, want := range []string{"failing on purpose", "TimedOut", "Crashed"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("dead-letter reasons lack %q:\n%s", want, reasons)
		}
	}
}
