package proxy_test

import (
	"os"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
)

func TestMain(m *testing.M) {
	code := m.Run()
	rmqclient.Cleanup()
	os.Exit(code)
}

// env is a broker served by a proxy on a free loopback port, with the
// official 5.x client in a driver process.
type env struct {
	b    *broker.Broker
	srv  *proxy.Server
	addr string
	keys *keys.Ring
	c    *rmqclient.Client
}

type option func(*broker.Config, *proxy.Config)

func start(t *testing.T, opts ...option) *env {
	t.Helper()
	var bc broker.Config
	ring := &keys.Ring{}
	ring.Add(keys.Credentials{AccessKeyID: "test-ak", AccessKeySecret: "test-secret"})
	pc := proxy.Config{Keys: ring}
	for _, o := range opts {
		o(&bc, &pc)
	}
	b, err := broker.Open(bc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	pc.Broker = b
	srv, err := proxy.New(pc)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() }) // before the broker closes
	return &env{b: b, srv: srv, addr: addr, keys: ring, c: rmqclient.Start(t)}
}

// producer starts a 5.x producer of topics.
func (e *env) producer(t *testing.T, name string, topics ...string) {
	t.Helper()
	e.c.Must(t, wire.Request{Op: "v5producer", Name: name, Endpoint: e.addr, Topics: topics})
}

// consumer starts a 5.x simple consumer of group on topic with a tag
// expression.
func (e *env) consumer(t *testing.T, name, group, topic, expr string) {
	t.Helper()
	e.c.Must(t, wire.Request{Op: "v5consumer", Name: name, Endpoint: e.addr, Group: group,
		Subscriptions: map[string]string{topic: expr}, Await: 5 * time.Second})
}

// send sends one message with a 5.x producer.
func (e *env) send(t *testing.T, name, topic string, m wire.Message) *wire.Result {
	t.Helper()
	return e.c.Must(t, wire.Request{Op: "v5send", Name: name, Topic: topic, Messages: []wire.Message{m}}).Result
}

// receive receives up to max messages, invisible for 30 s; a receive
// that finds nothing is an error of the client (MESSAGE_NOT_FOUND).
func (e *env) receive(t *testing.T, name string, max int) ([]wire.Delivered, string) {
	t.Helper()
	rep := e.c.Do(t, wire.Request{Op: "v5receive", Name: name, Max: max, Invisible: 30 * time.Second})
	return rep.Messages, rep.Error
}

// mustReceive receives at least one message.
func (e *env) mustReceive(t *testing.T, name string, max int) []wire.Delivered {
	t.Helper()
	ms, err := e.receive(t, name, max)
	if err != "" {
		t.Fatalf("receive of %s: %s", name, err)
	}
	return ms
}

func (e *env) ack(t *testing.T, name string, m wire.Delivered) {
	t.Helper()
	e.c.Must(t, wire.Request{Op: "v5ack", Name: name, Handle: m.ReceiptHandle})
}
