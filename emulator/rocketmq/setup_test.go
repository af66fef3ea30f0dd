package rocketmq_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
	gerrors "github.com/gogap/errors"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// fakeClock is a clock tests move by hand.
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

// start serves a fresh in-memory instance on loopback and returns it with
// an official SDK client.
func start(t testing.TB, cfg rocketmq.Config) (*rocketmq.Server, mq.MQClient) {
	t.Helper()
	srv, err := rocketmq.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := srv.Credentials()
	return srv, mq.NewAliyunMQClient(endpoint, c.AccessKeyID, c.AccessKeySecret, "")
}

// withClock returns a config on a fake clock starting now.
func withClock() (rocketmq.Config, *fakeClock) {
	clock := &fakeClock{now: time.Now()}
	return rocketmq.Config{Broker: broker.Config{Clock: clock.Now}}, clock
}

func publish(t testing.TB, p mq.MQProducer, req mq.PublishMessageRequest) mq.PublishMessageResponse {
	t.Helper()
	resp, err := p.PublishMessage(req)
	if err != nil {
		t.Fatalf("PublishMessage: %v", err)
	}
	return resp
}

// consume makes one consume call and returns its messages; none is an
// empty slice (the MessageNotExist answer).
func consume(t testing.TB, c mq.MQConsumer, n int32, wait int64, orderly bool) []mq.ConsumeMessageEntry {
	t.Helper()
	resp, err := call(func(rc chan mq.ConsumeMessageResponse, ec chan error) {
		if orderly {
			c.ConsumeMessageOrderly(rc, ec, n, wait)
		} else {
			c.ConsumeMessage(rc, ec, n, wait)
		}
	})
	if err != nil {
		if strings.Contains(err.Error(), "MessageNotExist") {
			return nil
		}
		t.Fatalf("consume: %v", err)
	}
	return resp.Messages
}

// call runs one of the SDK's channel-style calls.
func call(f func(chan mq.ConsumeMessageResponse, chan error)) (mq.ConsumeMessageResponse, error) {
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go f(rc, ec)
	select {
	case r := <-rc:
		return r, nil
	case err := <-ec:
		return mq.ConsumeMessageResponse{}, err
	case <-time.After(40 * time.Second):
		return mq.ConsumeMessageResponse{}, errors.New("no answer in 40s")
	}
}

func handles(ms []mq.ConsumeMessageEntry) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ReceiptHandle)
	}
	return out
}

func bodies(ms []mq.ConsumeMessageEntry) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.MessageBody)
	}
	return out
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// ackErrors returns the per-handle errors of a failed ack.
func ackErrors(err error) []mq.ErrAckItem {
	var ec gerrors.ErrCode
	if errors.As(err, &ec) {
		if items, ok := ec.Context()["Detail"].([]mq.ErrAckItem); ok {
			return items
		}
	}
	return nil
}

func hmacSHA1(secret, s string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
