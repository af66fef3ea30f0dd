// Package mqtest holds what the tests of the HTTP-protocol examples
// (examples/produce, examples/consume) share: a local RocketMQ on
// loopback for a test, the Config the examples connect to it with, and a
// broker clock the test moves by hand.
package mqtest

import (
	"sync"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/examples/mqclient"
)

// Start serves an in-memory local RocketMQ configured by cfg on loopback
// until the test ends, and returns it with the Config the examples
// connect with and an SDK client for checks.
func Start(t testing.TB, cfg rocketmq.Config) (*rocketmq.Server, mqclient.Config, mq.MQClient) {
	t.Helper()
	srv, err := rocketmq.New(cfg)
	if err != nil {
		t.Fatalf("mqtest: new local RocketMQ: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("mqtest: start the local RocketMQ: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	cred := srv.Credentials()
	conn := mqclient.Config{Endpoint: endpoint, AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret}
	client, err := conn.Client()
	if err != nil {
		t.Fatalf("mqtest: SDK client of %s: %v", endpoint, err)
	}
	return srv, conn, client
}

// A Clock is a broker clock the test moves by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// WithClock returns a server Config on a Clock starting now.
func WithClock() (rocketmq.Config, *Clock) {
	clock := &Clock{now: time.Now()}
	return rocketmq.Config{Broker: broker.Config{Clock: clock.Now}}, clock
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
