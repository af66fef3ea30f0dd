package rocketmq_test

import (
	"fmt"
	"sync"
	"testing"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/internal/proctest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

const crashChildEnv = "ROCKETFN_ROCKETMQ_CHILD"

func init() {
	proctest.MaybeServe(crashChildEnv, func(dir string) (proctest.Server, error) {
		return rocketmq.New(rocketmq.Config{Dir: dir})
	})
}

func crashClient(endpoint string) mq.MQClient {
	return mq.NewAliyunMQClient(endpoint, rocketmq.DefaultAccessKeyID, rocketmq.DefaultAccessKeySecret, "")
}

// TestCrashKeepsPublishedAndAcked kills a server process while producers
// publish and a consumer acks: after a restart on the same data, every
// message answered 201 is there, and none acked before the kill comes
// back, for each group: one that acked every early message, one that
// acked some of them, and one that never consumed before the kill.
func TestCrashKeepsPublishedAndAcked(t *testing.T) {
	dir := t.TempDir()
	child, endpoint := proctest.Start(t, crashChildEnv, dir)
	c := crashClient(endpoint)
	var mu sync.Mutex
	published := map[string]bool{} // body -> published (201)
	acked := map[string]bool{}     // body -> acked (204)
	cons := c.GetConsumer("", "crash", "GID_crash", "")
	// Ack the first 50 messages before the crash.
	p := c.GetProducer("", "crash")
	for i := 0; i < 50; i++ {
		body := fmt.Sprint("early-", i)
		publish(t, p, mq.PublishMessageRequest{MessageBody: body})
		published[body] = true
	}
	for len(acked) < 50 {
		ms := consume(t, cons, 16, 1, false)
		if err := cons.AckMessage(handles(ms)); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			acked[m.MessageBody] = true
		}
	}
	// GID_some acks only the first 25; the rest it takes and leaves.
	ackedSome := map[string]bool{}
	some := c.GetConsumer("", "crash", "GID_some", "")
	for len(ackedSome) < 25 {
		var hs []string
		for _, m := range consume(t, some, 16, 1, false) {
			var i int
			if _, err := fmt.Sscanf(m.MessageBody, "early-%d", &i); err == nil && i < 25 {
				hs = append(hs, m.ReceiptHandle)
				ackedSome[m.MessageBody] = true
			}
		}
		if len(hs) > 0 {
			if err := some.AckMessage(hs); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := crashClient(endpoint).GetProducer("", "crash")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprint("w", w, "-", i)
				if _, err := p.PublishMessage(mq.PublishMessageRequest{MessageBody: body}); err != nil {
					return // the server is gone
				}
				mu.Lock()
				published[body] = true
				n := len(published)
				mu.Unlock()
				if n >= 250 {
					select {
					case <-stop:
					default:
						close(stop)
					}
				}
			}
		}()
	}
	<-stop
	child.Kill(t)
	wg.Wait()

	_, endpoint = proctest.Start(t, crashChildEnv, dir)
	c = crashClient(endpoint)
	checkAfterCrash(t, c, "GID_crash", published, acked)
	checkAfterCrash(t, c, "GID_some", published, ackedSome)
	checkAfterCrash(t, c, "GID_late", published, nil)
}

// checkAfterCrash consumes everything group gets after the restart: each
// published message it had not acked, and none it had.
func checkAfterCrash(t *testing.T, c mq.MQClient, group string, published, acked map[string]bool) {
	t.Helper()
	cons := c.GetConsumer("", "crash", group, "")
	got := map[string]bool{}
	for {
		ms := consume(t, cons, 16, 1, false)
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			if acked[m.MessageBody] {
				t.Fatalf("%s: message %q was acked before the crash and came back", group, m.MessageBody)
			}
			got[m.MessageBody] = true
		}
		if err := cons.AckMessage(handles(ms)); err != nil {
			t.Fatal(err)
		}
	}
	for body := range published {
		if !acked[body] && !got[body] {
			t.Errorf("%s: published message %q is lost", group, body)
		}
	}
}
