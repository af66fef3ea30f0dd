package stack_test

import (
	"context"
	"errors"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// grpcInstance is the InstanceId of testdata/pipeline-grpc.yaml's
// triggers: the namespace of the 5.x clients that reach them.
const grpcInstance = "MQ_INST_grpc"

// grpcClient starts the official 5.x client in a driver process of its
// own (package rmqclient), stopped at the end of the test, and in it a
// client named name on the stack's gRPC endpoint in namespace
// grpcInstance: r is the v5producer or v5consumer request, which with
// edits further (topics, group, credentials). It returns the driver.
func grpcClient(t *testing.T, s *stack.Stack, name string, r wire.Request, with ...func(*wire.Request)) *rmqclient.Client {
	t.Helper()
	c := rmqclient.Start(t)
	r.Name, r.Endpoint, r.Namespace = name, s.GRPCEndpoint, grpcInstance
	for _, w := range with {
		w(&r)
	}
	c.Must(t, r)
	return c
}

// sendGRPC sends m to topic with the 5.x producer name of c, and returns
// the message ID, or the error the client reported.
func sendGRPC(t *testing.T, c *rmqclient.Client, name, topic string, m wire.Message) (string, error) {
	t.Helper()
	rep := c.Do(t, wire.Request{Op: "v5send", Name: name, Topic: topic, Messages: []wire.Message{m}})
	if rep.Error != "" {
		return "", errors.New(rep.Error)
	}
	if rep.Result == nil || rep.Result.MsgID == "" {
		t.Fatalf("send %q to %s: result %+v, want a message ID", m.Body, topic, rep.Result)
	}
	return rep.Result.MsgID, nil
}

// receiveGRPC receives with the 5.x simple consumer name of c, up to 16
// messages invisible for 30 s. A first receive that overtakes the
// consumer's settings waits for them on the server.
func receiveGRPC(t *testing.T, c *rmqclient.Client, name string) wire.Reply {
	t.Helper()
	return c.Do(t, wire.Request{Op: "v5receive", Name: name, Max: 16, Invisible: 30 * time.Second})
}

// startBare starts the stack of testdata/<file> with no function running
// (no build), with the Config edit makes, closed at the end of the test.
func startBare(t *testing.T, file string, edit func(*stack.Config)) *stack.Stack {
	t.Helper()
	proj, err := syaml.Load(writePipelineYAML(t, file, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	cfg := stack.Config{Project: proj, Functions: []string{}}
	if edit != nil {
		edit(&cfg)
	}
	s, err := stack.Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// TestGRPCToTriggers sends with the official 5.x client through the
// stack's gRPC endpoint, in the triggers' instance as namespace, to their
// topic: the local EventBridge delivers each message to the functions
// whose filters pass it, with the ID, tag, keys, properties and message
// group (the sharding key) the producer sent.
func TestGRPCToTriggers(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-grpc.yaml", nil, "")
	if p.GRPCEndpoint == "" || p.Proxy == nil {
		t.Fatalf("gRPC endpoint %q: the 5.x protocol is not served", p.GRPCEndpoint)
	}
	prod := grpcClient(t, p.Stack, t.Name(), wire.Request{Op: "v5producer", Topics: []string{"orders"}})
	checkFilteredDelivery(t, p, wire.Message{Body: "g1", MessageGroup: "o1"}, func(topic string, m wire.Message) (string, error) {
		return sendGRPC(t, prod, t.Name(), topic, m)
	})
}

// TestGRPCFromMQHTTP: a message published over MQ HTTP in the instance
// is received by a 5.x simple consumer of a group of Config.Groups, with
// its ID, tag, keys and properties; a group neither s.yaml nor
// Config.Groups declares is refused.
func TestGRPCFromMQHTTP(t *testing.T) {
	t.Parallel()
	s := startBare(t, "pipeline-grpc.yaml", func(cfg *stack.Config) {
		cfg.Groups = []stack.Name{{Instance: grpcInstance, Name: "GID_v5"}}
	})
	cred := s.MQ.Credentials()
	client := mq.NewAliyunMQClient(s.MQEndpoint, cred.AccessKeyID, cred.AccessKeySecret, "")
	props := map[string]string{"region": "cn-hangzhou", "channel": "web"}
	// The SDK writes the key into the properties it is given.
	req := mq.PublishMessageRequest{MessageBody: "over http", MessageTag: "created", MessageKey: "o9", Properties: maps.Clone(props)}
	resp, err := client.GetProducer(grpcInstance, "orders").PublishMessage(req)
	if err != nil {
		t.Fatal(err)
	}

	cons := grpcClient(t, s, t.Name(), wire.Request{Op: "v5consumer", Group: "GID_v5", Subscriptions: map[string]string{"orders": "*"}})
	rep := receiveGRPC(t, cons, t.Name())
	if rep.Error != "" || len(rep.Messages) != 1 {
		t.Fatalf("received %+v (%s), want the message published over MQ HTTP", rep.Messages, rep.Error)
	}
	got := rep.Messages[0]
	if got.MsgID != resp.MessageId || got.Body != req.MessageBody || got.Topic != "orders" || got.Tags != "created" ||
		!slices.Equal(got.Keys, []string{"o9"}) || !maps.Equal(got.Properties, props) || got.DeliveryAttempt != 1 {
		t.Errorf("received %+v, published as %s %+v", got, resp.MessageId, req)
	}
	cons.Must(t, wire.Request{Op: "v5ack", Name: t.Name(), Handle: got.ReceiptHandle})

	other := t.Name() + "-undeclared"
	cons.Must(t, wire.Request{Op: "v5consumer", Name: other, Endpoint: s.GRPCEndpoint, Namespace: grpcInstance, Group: "GID_undeclared",
		Subscriptions: map[string]string{"orders": "*"}})
	if rep := receiveGRPC(t, cons, other); !strings.Contains(rep.Error, "CONSUMER_GROUP_NOT_FOUND") {
		t.Errorf("receive as an undeclared group: %+v, want CONSUMER_GROUP_NOT_FOUND", rep)
	}
}

// TestGRPCACL: with Config.ACL the gRPC endpoint refuses an unsigned
// send (UNAUTHORIZED); one signed with the local RocketMQ's access key
// reaches the trigger.
func TestGRPCACL(t *testing.T) {
	t.Parallel()
	p := startPipelineConfig(t, "pipeline-grpc.yaml", nil, func(cfg *stack.Config) { cfg.ACL = true })
	// Without topics, the producer starts without asking for a route: the
	// send is the first call the endpoint refuses.
	unsigned := grpcClient(t, p.Stack, t.Name(), wire.Request{Op: "v5producer"})
	if _, err := sendGRPC(t, unsigned, t.Name(), "orders", wire.Message{Body: "unsigned", Tag: "created"}); err == nil ||
		!strings.Contains(err.Error(), "UNAUTHORIZED") {
		t.Fatalf("unsigned send under ACL: %v, want UNAUTHORIZED", err)
	}
	key := p.MQ.Credentials()
	signed := grpcClient(t, p.Stack, t.Name()+"-signed", wire.Request{Op: "v5producer", Topics: []string{"orders"}}, func(r *wire.Request) {
		r.AccessKey, r.SecretKey = key.AccessKeyID, key.AccessKeySecret
	})
	id, err := sendGRPC(t, signed, t.Name()+"-signed", "orders", wire.Message{Body: "signed", Tag: "created"})
	if err != nil {
		t.Fatalf("signed send under ACL: %v", err)
	}
	p.waitFor("the signed message", p.has("tagged", "signed"))
	if rs := p.records("tagged"); len(rs) != 1 || rs[0].ID != id {
		t.Errorf("recorded %+v, want only the signed message %s", rs, id)
	}
}

// TestGRPCOff: Config.NoGRPC serves no gRPC endpoint.
func TestGRPCOff(t *testing.T) {
	t.Parallel()
	s := startBare(t, "pipeline-grpc.yaml", func(cfg *stack.Config) { cfg.NoGRPC = true })
	if s.GRPCEndpoint != "" || s.Proxy != nil {
		t.Errorf("NoGRPC: endpoint %q, server %v", s.GRPCEndpoint, s.Proxy)
	}
	if s.NameServer == "" {
		t.Error("NoGRPC: the remoting protocol is off too")
	}
}

// TestGRPCClose: the gRPC server is closed before the broker, so Close
// succeeds with a producer connected, and the port is released.
func TestGRPCClose(t *testing.T) {
	t.Parallel()
	proj, err := syaml.Load(writePipelineYAML(t, "pipeline-grpc.yaml", t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := stack.Start(t.Context(), stack.Config{Project: proj, Functions: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	prod := grpcClient(t, s, t.Name(), wire.Request{Op: "v5producer", Topics: []string{"orders"}})
	if _, err := sendGRPC(t, prod, t.Name(), "orders", wire.Message{Body: "x"}); err != nil {
		s.Close(context.Background())
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", s.GRPCEndpoint)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	l.Close()
}
