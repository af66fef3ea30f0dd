package stack_test

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

func init() { rlog.SetLogLevel("error") }

// remotingProducer is a started rocketmq-client-go producer on the
// stack's name server, shut down at the end of the test.
func remotingProducer(t *testing.T, s *stack.Stack, opts ...producer.Option) rocketmq.Producer {
	t.Helper()
	opts = append([]producer.Option{producer.WithNameServer([]string{s.NameServer}), producer.WithRetry(0),
		producer.WithGroupName("GID_stack_producer"), producer.WithInstanceName(t.Name()),
		producer.WithSendMsgTimeout(5 * time.Second)}, opts...)
	p, err := rocketmq.NewProducer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

// sendRemoting sends body to topic with tag and properties, and returns
// the message ID.
func sendRemoting(t *testing.T, p rocketmq.Producer, topic, body, tag string, props map[string]string) (string, error) {
	t.Helper()
	m := primitive.NewMessage(topic, []byte(body)).WithTag(tag)
	for k, v := range props {
		m.WithProperty(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := p.SendSync(ctx, m)
	if err != nil {
		return "", err
	}
	if res.Status != primitive.SendOK {
		t.Fatalf("send %q to %s: status %v", body, topic, res.Status)
	}
	return res.MsgID, nil
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
	prod := remotingProducer(t, p.Stack)
	m := primitive.NewMessage("orders", []byte("r1")).WithTag("created").WithKeys([]string{"o1", "c7"}).WithShardingKey("o1")
	m.WithProperty("region", "cn-hangzhou")
	m.WithProperty("channel", "web")
	res, err := prod.SendSync(context.Background(), m)
	if err != nil || res.Status != primitive.SendOK {
		t.Fatalf("send: %v %v", res, err)
	}
	if _, err := sendRemoting(t, prod, "orders", "r2", "other", map[string]string{"region": "cn-shanghai", "channel": "app"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sendRemoting(t, prod, "orders", "last", "paid", map[string]string{"region": "cn-beijing", "channel": "web"}); err != nil {
		t.Fatal(err)
	}

	p.waitFor("last message at both functions", func() bool { return p.has("tagged", "last")() && p.has("patterned", "last")() })
	if got, want := pipeBodies(p.records("tagged")), []string{"r1", "last"}; !slices.Equal(got, want) {
		t.Errorf("tag created||paid: recorded %q, want %q", got, want)
	}
	if got, want := pipeBodies(p.records("patterned")), []string{"r1", "r2", "last"}; !slices.Equal(got, want) {
		t.Errorf("pattern region cn-*, channel not test: recorded %q, want %q", got, want)
	}
	r := p.records("tagged")[0]
	if r.ID != res.MsgID || r.Topic != "orders" || r.Tag != "created" || !slices.Equal(r.Keys, []string{"o1", "c7"}) ||
		r.ShardingKey != "o1" || r.Properties["region"] != "cn-hangzhou" || r.Properties["channel"] != "web" ||
		r.EventType != "mq:Topic:SendMessage" {
		t.Errorf("first message recorded as %+v, sent as %s %v", r, res.MsgID, m)
	}

	// The topic exists only as s.yaml declares it: another is refused.
	if _, err := sendRemoting(t, prod, "nosuch", "x", "", nil); err == nil {
		t.Error("send to a topic s.yaml does not declare: no error")
	}
}

// TestRemotingACL: with Config.ACL the remoting broker refuses an
// unsigned producer; one signed with the local RocketMQ's access key
// reaches the trigger.
func TestRemotingACL(t *testing.T) {
	t.Parallel()
	p := startPipelineConfig(t, "pipeline-filters.yaml", nil, func(cfg *stack.Config) { cfg.ACL = true })
	unsigned := remotingProducer(t, p.Stack)
	if _, err := sendRemoting(t, unsigned, "orders", "unsigned", "created", nil); err == nil {
		t.Fatal("unsigned send under ACL: no error")
	}
	key := p.MQ.Credentials()
	signed := remotingProducer(t, p.Stack, producer.WithInstanceName(t.Name()+"-signed"),
		producer.WithCredentials(primitive.Credentials{AccessKey: key.AccessKeyID, SecretKey: key.AccessKeySecret}))
	id, err := sendRemoting(t, signed, "orders", "signed", "created", nil)
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
	prod := remotingProducer(t, s)
	if _, err := sendRemoting(t, prod, "orders", "x", "", nil); err != nil {
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
