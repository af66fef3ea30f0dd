package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// startMQ serves an in-memory local RocketMQ on loopback and returns it
// with the Config the examples connect with and an SDK client for checks.
func startMQ(t *testing.T, cfg rocketmq.Config) (*rocketmq.Server, mqclient.Config, mq.MQClient) {
	t.Helper()
	srv, err := rocketmq.New(cfg)
	if err != nil {
		t.Fatalf("new rocketmq: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start rocketmq: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	cred := srv.Credentials()
	conn := mqclient.Config{Endpoint: endpoint, AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret}
	client, err := conn.Client()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return srv, conn, client
}

// fakeClock is a broker clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// withClock returns a server config on a fake clock starting now.
func withClock() (rocketmq.Config, *fakeClock) {
	clock := &fakeClock{now: time.Now()}
	return rocketmq.Config{Broker: broker.Config{Clock: clock.Now}}, clock
}

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
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the output holds s.
func (b *lockedBuffer) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); !strings.Contains(b.String(), s); {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output within %v:\n%s", s, timeout, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
