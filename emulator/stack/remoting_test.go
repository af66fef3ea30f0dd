package stack_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// remotingProducer starts a rocketmq-client-go producer named name on the
// stack's name server, in a driver process of its own (package
// rmqclient) stopped at the end of the test; with sets further options
// (credentials). It returns the driver.
func remotingProducer(t *testing.T, s *stack.Stack, name string, with ...func(*wire.Request)) *rmqclient.Client {
	t.Helper()
	c := rmqclient.Start(t)
	r := wire.Request{Op: "producer", Name: name, NameServer: []string{s.NameServer},
		Group: "GID_stack_producer", SendTimeout: 5 * time.Second}
	for _, w := range with {
		w(&r)
	}
	c.Must(t, r)
	return c
}

// sendRemoting sends m to topic with the producer name of c, and returns
// the message ID, or the error the client reported.
func sendRemoting(t *testing.T, c *rmqclient.Client, name, topic string, m wire.Message) (string, error) {
	t.Helper()
	rep := c.Do(t, wire.Request{Op: "send", Name: name, Topic: topic, Messages: []wire.Message{m}})
	if rep.Error != "" {
		return "", errors.New(rep.Error)
	}
	if rep.Result == nil || rep.Result.Status != 0 {
		t.Fatalf("send %q to %s: result %+v, want status SendOK", m.Body, topic, rep.Result)
	}
	return rep.Result.MsgID, nil
}

// TestRemotingToTriggers publishes with rocketmq-client-go through the
// stack's name server to the topic of s.yaml's triggers: the local
// EventBridge delivers each message to the functions whose filters pass
// it, with the ID, tag, keys and properties the producer sent.
func TestRemotingToTriggers(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-filters.yaml", nil, "")
	if p.NameServer == "" || p.BrokerAddr == "" || p.Remoting == nil {
		t.Fatalf("name server %q, broker %q: remoting is not served", p.NameServer, p.BrokerAddr)
	}
	prod := remotingProducer(t, p.Stack, t.Name())
	checkFilteredDelivery(t, p, wire.Message{Body: "r1", ShardingKey: "o1"}, func(topic string, m wire.Message) (string, error) {
		return sendRemoting(t, prod, t.Name(), topic, m)
	})
}

// checkFilteredDelivery sends with send three messages to the topic
// orders of the triggers of pipeline-filters.yaml (or pipeline-grpc.yaml)
// that p runs, the first one first (its body and its sharding key or
// message group o1) with a tag, keys and properties, and checks that the
// local EventBridge delivers each to the functions whose filters pass it,
// the first with the ID, tag, keys, properties and sharding key sent;
// and that a topic s.yaml does not declare is refused.
func checkFilteredDelivery(t *testing.T, p *pipeline, first wire.Message, send func(topic string, m wire.Message) (string, error)) {
	t.Helper()
	first.Tag, first.Keys = "created", []string{"o1", "c7"}
	first.Properties = map[string]string{"region": "cn-hangzhou", "channel": "web"}
	id, err := send("orders", first)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	for _, m := range []wire.Message{
		{Body: "second", Tag: "other", Properties: map[string]string{"region": "cn-shanghai", "channel": "app"}},
		{Body: "last", Tag: "paid", Properties: map[string]string{"region": "cn-beijing", "channel": "web"}},
	} {
		if _, err := send("orders", m); err != nil {
			t.Fatal(err)
		}
	}

	p.waitFor("last message at both functions", func() bool { return p.has("tagged", "last")() && p.has("patterned", "last")() })
	if got, want := pipeBodies(p.records("tagged")), []string{first.Body, "last"}; !slices.Equal(got, want) {
		t.Errorf("tag created||paid: recorded %q, want %q", got, want)
	}
	if got, want := pipeBodies(p.records("patterned")), []string{first.Body, "second", "last"}; !slices.Equal(got, want) {
		t.Errorf("pattern region cn-*, channel not test: recorded %q, want %q", got, want)
	}
	r := p.records("tagged")[0]
	if r.ID != id || r.Topic != "orders" || r.Tag != "created" || !slices.Equal(r.Keys, []string{"o1", "c7"}) ||
		r.ShardingKey != "o1" || r.Properties["region"] != "cn-hangzhou" || r.Properties["channel"] != "web" ||
		r.EventType != "mq:Topic:SendMessage" {
		t.Errorf("first message recorded as %+v, sent as %s %+v", r, id, first)
	}

	// The topic exists only as s.yaml declares it: another is refused.
	if _, err := send("nosuch", wire.Message{Body: "x"}); err == nil {
		t.Error("send to a topic s.yaml does not declare: no error")
	}
}

// TestRemotingACL: with Config.ACL the remoting broker refuses an
// unsigned producer; one signed with the local RocketMQ's access key
// reaches the trigger.
func TestRemotingACL(t *testing.T) {
	t.Parallel()
	p := startPipelineConfig(t, "pipeline-filters.yaml", nil, func(cfg *stack.Config) { cfg.ACL = true })
	unsigned := remotingProducer(t, p.Stack, t.Name())
	if _, err := sendRemoting(t, unsigned, t.Name(), "orders", wire.Message{Body: "unsigned", Tag: "created"}); err == nil {
		t.Fatal("unsigned send under ACL: no error")
	}
	key := p.MQ.Credentials()
	signed := remotingProducer(t, p.Stack, t.Name()+"-signed", func(r *wire.Request) {
		r.AccessKey, r.SecretKey = key.AccessKeyID, key.AccessKeySecret
	})
	id, err := sendRemoting(t, signed, t.Name()+"-signed", "orders", wire.Message{Body: "signed", Tag: "created"})
	if err != nil {
		t.Fatalf("signed send under ACL: %v", err)
	}
	p.waitFor("the signed message", p.has("tagged", "signed"))
	if rs := p.records("tagged"); len(rs) != 1 || rs[0].ID != id {
		t.Errorf("recorded %+v, want only the signed message %s", rs, id)
	}
}

// TestRemotingOff: Config.NoRemoting serves no name server or broker.
func TestRemotingOff(t *testing.T) {
	t.Parallel()
	proj, err := syaml.Load(writePipelineYAML(t, "pipeline-filters.yaml", t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(t.Context(), stack.Config{Project: proj, Functions: []string{}, NoRemoting: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.NameServer != "" || s.BrokerAddr != "" || s.Remoting != nil {
		t.Errorf("NoRemoting: name server %q, broker %q, server %v", s.NameServer, s.BrokerAddr, s.Remoting)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestRemotingClose: the remoting server is closed before the broker, so
// Close succeeds with a producer connected, and the ports are released.
func TestRemotingClose(t *testing.T) {
	t.Parallel()
	proj, err := syaml.Load(writePipelineYAML(t, "pipeline-filters.yaml", t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(t.Context(), stack.Config{Project: proj, Functions: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	prod := remotingProducer(t, s, t.Name())
	if _, err := sendRemoting(t, prod, t.Name(), "orders", wire.Message{Body: "x"}); err != nil {
		s.Close(context.Background())
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{s.NameServer, s.BrokerAddr} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("after Close: %v", err)
			continue
		}
		l.Close()
	}
}
