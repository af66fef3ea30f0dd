package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// receiveAll consumes (orderly or not) until want messages came or wait
// passed, acknowledging each batch, and returns them in arrival order.
func receiveAll(t *testing.T, c mq.MQConsumer, want int, orderly bool, wait time.Duration) []mq.ConsumeMessageEntry {
	t.Helper()
	var got []mq.ConsumeMessageEntry
	for deadline := time.Now().Add(wait); len(got) < want && time.Now().Before(deadline); {
		resp, err := mqclient.Receive(t.Context(), func(respc chan mq.ConsumeMessageResponse, errc chan error) {
			if orderly {
				c.ConsumeMessageOrderly(respc, errc, 16, 1)
			} else {
				c.ConsumeMessage(respc, errc, 16, 1)
			}
		})
		if err != nil {
			if strings.Contains(err.Error(), "MessageNotExist") {
				continue
			}
			t.Fatalf("consume %s: %v", c.TopicName(), err)
		}
		if err := c.AckMessage(mqclient.Handles(resp.Messages)); err != nil {
			t.Fatalf("ack: %v", err)
		}
		got = append(got, resp.Messages...)
	}
	return got
}

// lockedBuffer collects a running example's output.
type lockedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed, and replaced, by each Write; nil until waitFor needs it
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// next returns whether the output holds s and, when it does not, a
// channel closed by the next write.
func (b *lockedBuffer) next(s string) (bool, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if strings.Contains(b.buf.String(), s) {
		return true, nil
	}
	if b.written == nil {
		b.written = make(chan struct{})
	}
	return false, b.written
}

// waitFor waits until the output holds s, checking after each write.
func (b *lockedBuffer) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		found, written := b.next(s)
		if found {
			return
		}
		select {
		case <-written:
		case <-deadline.C:
			t.Fatalf("no %q in the output within %v:\n%s", s, timeout, b)
		}
	}
}
