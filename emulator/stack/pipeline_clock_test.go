package stack_test

import (
	"slices"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/stack"
)

// newFakeClock is a fake clock at the current millisecond.
func newFakeClock() *fakeClock { return &fakeClock{now: time.Now().Truncate(time.Millisecond)} }

// TestPipelineDelayed publishes messages with a delivery time on a fake
// clock: none arrives before its time, each arrives once the clock
// reaches it.
func TestPipelineDelayed(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	p := startPipeline(t, "pipeline-delayed.yaml", clock, "")
	start := clock.Now()
	p.publish("later", mq.PublishMessageRequest{MessageBody: "late", StartDeliverTime: start.Add(time.Hour).UnixMilli()})
	p.publish("later", mq.PublishMessageRequest{MessageBody: "soon", StartDeliverTime: start.Add(30 * time.Second).UnixMilli()})
	p.publish("later", mq.PublishMessageRequest{MessageBody: "now"})

	expect := func(want ...string) {
		t.Helper()
		if got := pipeBodies(p.records("delayed")); !slices.Equal(got, want) {
			t.Fatalf("at %v: recorded %q, want %q", clock.Now().Sub(start), got, want)
		}
	}
	p.waitFor("undelayed message", p.has("delayed", "now"))
	p.idle()
	expect("now")
	clock.Set(start.Add(30*time.Second - time.Millisecond))
	p.idle()
	expect("now")
	clock.Set(start.Add(30 * time.Second))
	p.waitFor("message due at 30s", p.has("delayed", "soon"))
	p.idle()
	expect("now", "soon")
	clock.Set(start.Add(time.Hour))
	p.waitFor("message due at 1h", p.has("delayed", "late"))
	expect("now", "soon", "late")
}

// TestPipelineTransactions publishes half messages with the transactional
// producer: the committed one is delivered, the rolled-back one never, and
// the unresolved one is offered for check-back after its immunity time,
// committed from there, and delivered.
func TestPipelineTransactions(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	// The producer group of the check-back is declared, as it is created
	// in the cloud.
	p := startPipelineConfig(t, "pipeline-transactions.yaml", clock, func(cfg *stack.Config) {
		cfg.Groups = []stack.Name{{Name: "GID_payments_producer"}}
	})
	tp := p.client.GetTransProducer("", "payments", "GID_payments_producer")
	half := func(body string) mq.PublishMessageResponse {
		resp, err := tp.PublishMessage(mq.PublishMessageRequest{MessageBody: body, TransCheckImmunityTime: 10})
		if err != nil || resp.ReceiptHandle == "" {
			t.Fatalf("publish half message %s: %+v, %v", body, resp, err)
		}
		return resp
	}
	commit, rollback, unresolved := half("commit"), half("rollback"), half("check-back")
	if err := tp.Commit(commit.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if err := tp.Rollback(rollback.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	p.waitFor("committed message", p.has("payments", "commit"))
	p.idle()
	if got := pipeBodies(p.records("payments")); !slices.Equal(got, []string{"commit"}) {
		t.Fatalf("before the check-back: recorded %q", got)
	}
	clock.Set(clock.Now().Add(11 * time.Second))
	checked := consumeCheckBack(t, tp)
	if len(checked) != 1 || checked[0].MessageId != unresolved.MessageId {
		t.Fatalf("check-back offered %+v, want only %s", checked, unresolved.MessageId)
	}
	if err := tp.Commit(checked[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	p.waitFor("message committed on check-back", p.has("payments", "check-back"))
	p.publish("payments", mq.PublishMessageRequest{MessageBody: "end"})
	p.waitFor("last message", p.has("payments", "end"))
	if got, want := pipeBodies(p.records("payments")), []string{"commit", "check-back", "end"}; !slices.Equal(got, want) {
		t.Errorf("recorded %q, want %q (the rolled-back message never)", got, want)
	}
}

// checkBack consumes the half messages the broker offers for check-back.
func consumeCheckBack(t *testing.T, tp mq.MQTransProducer) []mq.ConsumeMessageEntry {
	t.Helper()
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go tp.ConsumeHalfMessage(rc, ec, 16, 3)
	select {
	case r := <-rc:
		return r.Messages
	case err := <-ec:
		t.Fatalf("consume half messages: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("consume half messages: no answer")
	}
	return nil
}

// TestPipelineCrashMidBatch makes the function exit in the middle of a
// batch of four: the invocation fails, and its retry delivers the whole
// batch again, so each message handled before the crash is recorded twice
// (at least once, never lost) and the retry records all four.
func TestPipelineCrashMidBatch(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-crash.yaml", newFakeClock(), "")
	var ids []string
	for _, body := range []string{"m1", "m2", "crash-once", "m4"} {
		ids = append(ids, p.publish("batches", mq.PublishMessageRequest{MessageBody: body}))
	}
	// The four messages fill the count window: time must not pass (and
	// end the window early) before the bridge has taken them all over.
	p.await("batch taken over", func() bool { return p.Bridge.Stats("crashing-rocketmq").Accepted == 4 })
	p.settle("batch delivered", func() bool { return p.Bridge.Stats("crashing-rocketmq").Delivered == 4 })
	invs := pipeInvocations(p.records("crashing"))
	if len(invs) != 2 {
		t.Fatalf("%d invocations recorded, want 2: %+v", len(invs), invs)
	}
	if got := pipeBodies(invs[0]); !slices.Equal(got, []string{"m1", "m2", "crash-once"}) {
		t.Errorf("first attempt recorded %q, want it to stop at the crash", got)
	}
	var again []string
	for _, r := range invs[1] {
		again = append(again, r.ID)
	}
	if !slices.Equal(again, ids) {
		t.Errorf("retry recorded messages %q, want the whole batch %q", again, ids)
	}
	st := p.Bridge.Stats("crashing-rocketmq")
	if st.Invocations != 2 || st.Failed != 1 || st.Retried != 1 {
		t.Errorf("stats = %+v, want 2 invocations, 1 failed, 1 retry", st)
	}
	if inv := p.Invokers["crashing"].Stats(); inv.Crashes != 1 || inv.Restarts != 1 {
		t.Errorf("invoker stats = %+v, want 1 crash, 1 restart", inv)
	}
}
