package main

import (
	"regexp"
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

// publish publishes reqs to topic with the SDK.
func publish(t *testing.T, client mq.MQClient, topic string, reqs ...mq.PublishMessageRequest) {
	t.Helper()
	p := client.GetProducer("", topic)
	for _, req := range reqs {
		if _, err := p.PublishMessage(req); err != nil {
			t.Fatalf("publish to %s: %v", topic, err)
		}
	}
}

// printed is one message as the example printed it.
type printed struct {
	id, tag, keys, shardingKey, consumedTimes, properties, body string
}

var messageLine = regexp.MustCompile(`^message (\S+) tag="(.*)" keys="(.*)" shardingKey="(.*)" consumedTimes=(\d+) published=\S+ properties=(map\[.*\]) body=(.*)$`)

// messages parses the message lines of the example's output, in order.
func messages(t *testing.T, out string) []printed {
	t.Helper()
	var ms []printed
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "message ") {
			continue
		}
		f := messageLine.FindStringSubmatch(line)
		if f == nil {
			t.Fatalf("unexpected message line %q", line)
		}
		ms = append(ms, printed{f[1], f[2], f[3], f[4], f[5], f[6], f[7]})
	}
	return ms
}
