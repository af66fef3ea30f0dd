package remoting_test

import (
	"bufio"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

func TestMain(m *testing.M) {
	rlog.SetLogLevel("fatal")
	code := m.Run()
	rmqclient.Cleanup()
	os.Exit(code)
}

// env is a broker with a remoting server on free loopback ports.
type env struct {
	b          *broker.Broker
	srv        *remoting.Server
	nameServer string
	brokerAddr string
	keys       *keys.Ring
}

type option func(*broker.Config, *remoting.Config)

// shortDelays makes delay levels 1..18 last level*10ms, for retry tests.
func shortDelays() option {
	return func(_ *broker.Config, rc *remoting.Config) {
		rc.DelayLevels = make([]time.Duration, 18)
		for i := range rc.DelayLevels {
			rc.DelayLevels[i] = time.Duration(i+1) * 10 * time.Millisecond
		}
	}
}

func start(t *testing.T, opts ...option) *env {
	t.Helper()
	var bc broker.Config
	ring := &keys.Ring{}
	rc := remoting.Config{Keys: ring}
	for _, o := range opts {
		o(&bc, &rc)
	}
	b, err := broker.Open(bc)
	if err != nil {
		t.Fatal(err)
	}
	rc.Broker = b
	srv, err := remoting.New(rc)
	if err != nil {
		t.Fatal(err)
	}
	ns, ba, err := srv.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		b.Close()
	})
	return &env{b: b, srv: srv, nameServer: ns, brokerAddr: ba, keys: ring}
}

// call sends one request on a new connection and reads its response.
func call(t *testing.T, addr string, req *remoting.Command) *remoting.Command {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	req.Opaque = 1
	frame, err := remoting.AppendFrame(nil, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Write(frame); err != nil {
		t.Fatal(err)
	}
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := remoting.ReadCommand(bufio.NewReader(nc), remoting.MaxFrame, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// client starts a driver of rocketmq-client-go with a producer "p" of
// group GID_producer.
func (e *env) client(t *testing.T) *rmqclient.Client {
	t.Helper()
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{e.nameServer}, Group: "GID_producer"})
	return c
}

// consume starts a push consumer name of group on topic.
func (e *env) consume(t *testing.T, c *rmqclient.Client, name, group, topic, tags string) {
	t.Helper()
	c.Must(t, wire.Request{Op: "consumer", Name: name, NameServer: []string{e.nameServer}, Group: group, Topic: topic, Tags: tags})
}

// fakeClock is a broker clock tests move.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

func withClock(c *fakeClock) option {
	c.ns.Store(time.Now().UnixNano())
	return func(bc *broker.Config, rc *remoting.Config) {
		bc.Clock, rc.Clock = c.now, c.now
		rc.CheckInterval = 10 * time.Millisecond
	}
}

// waitFor polls cond, for effects of oneway requests, which send no
// answer to wait on.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	testwait.Until(t, 20*time.Second, "effect of the oneway request", cond)
}

// stored counts the messages a topic retains.
func stored(t *testing.T, b *broker.Broker, instance, topic string) int64 {
	t.Helper()
	qs, err := b.Queues(instance, topic)
	if errors.Is(err, broker.ErrTopicNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, q := range qs {
		n += q.Max - q.Min
	}
	return n
}
