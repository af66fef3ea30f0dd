package remoting_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	localmq "github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

func TestSendAndPushConsume(t *testing.T) {
	e := start(t)
	c := e.client(t)
	const n = 10
	ids := map[string]bool{}
	for i := range n {
		res := c.Send(t, "p", "orders", wire.Message{Body: fmt.Sprintf("order-%d", i), Tag: "created",
			Keys: []string{fmt.Sprintf("k%d", i), "all"}, Properties: map[string]string{"source": "test:1|x"}})
		if res.Status != 0 || len(res.OffsetMsgID) != 32 {
			t.Fatalf("result %+v", res)
		}
		ids[res.MsgID] = true
	}
	e.consume(t, c, "c", "GID_consumer", "orders", "created")
	for range n {
		m := c.Next(t, "message").Message
		if !ids[m.MsgID] {
			t.Fatalf("unexpected message %s (%s)", m.MsgID, m.Body)
		}
		delete(ids, m.MsgID)
		if m.Topic != "orders" || m.Tags != "created" || m.Properties["source"] != "test:1|x" || len(m.Keys) != 2 {
			t.Fatalf("message %+v", m)
		}
	}
}

func TestBatchAsyncOnewayAndCompression(t *testing.T) {
	e := start(t)
	c := e.client(t)
	res := c.Send(t, "p", "mixed", wire.Message{Body: "b1"}, wire.Message{Body: "b2"}, wire.Message{Body: "b3"})
	if n := len(strings.Split(res.OffsetMsgID, ",")); n != 3 {
		t.Fatalf("batch result %+v", res)
	}
	c.Must(t, wire.Request{Op: "send", Name: "p", Topic: "mixed", Mode: "async", Messages: []wire.Message{{Body: "async"}}})
	c.Must(t, wire.Request{Op: "send", Name: "p", Topic: "mixed", Mode: "oneway", Messages: []wire.Message{{Body: "oneway"}}})
	big := strings.Repeat("compressible ", 1000) // over the client's 4 KB compression threshold
	c.Send(t, "p", "mixed", wire.Message{Body: big})

	want := map[string]bool{"b1": true, "b2": true, "b3": true, "async": true, "oneway": true, big: true}
	e.consume(t, c, "c", "GID_mixed", "mixed", "")
	for len(want) > 0 {
		m := c.Next(t, "message").Message
		if !want[m.Body] {
			t.Fatalf("unexpected body of %d bytes", len(m.Body))
		}
		delete(want, m.Body)
	}
	// The broker keeps the body inflated, for consumers of every protocol.
	ds, err := e.b.Consume(context.Background(), broker.ConsumeRequest{Topic: "mixed", Group: "GID_http", Max: 16})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ds, func(d broker.Delivery) bool { return string(d.Body) == big }) {
		t.Fatal("the compressed message is not stored inflated")
	}
}

func TestTagFilter(t *testing.T) {
	e := start(t)
	c := e.client(t)
	for i, tag := range []string{"A", "B", "C", "A", "B", "C"} {
		c.Send(t, "p", "tagged", wire.Message{Body: fmt.Sprintf("%s%d", tag, i), Tag: tag})
	}
	e.consume(t, c, "c", "GID_tags", "tagged", "A || B")
	got := map[string]bool{}
	for range 4 {
		m := c.Next(t, "message").Message
		if m.Tags != "A" && m.Tags != "B" {
			t.Fatalf("tag %q delivered to A || B", m.Tags)
		}
		got[m.Body] = true
	}
	if len(got) != 4 {
		t.Fatalf("got %v", got)
	}
	// A later matching message arrives; the C messages never do.
	c.Send(t, "p", "tagged", wire.Message{Body: "last", Tag: "A"})
	if m := c.Next(t, "message").Message; m.Body != "last" {
		t.Fatalf("got %q", m.Body)
	}
}

func TestNamespace(t *testing.T) {
	e := start(t)
	c := rmqclient.Start(t)
	c.Must(t, wire.Request{Op: "producer", Name: "p", NameServer: []string{e.nameServer}, Group: "GID_p", Namespace: "MQ_INST_1"})
	res := c.Send(t, "p", "orders", wire.Message{Body: "in the instance"})
	if n := stored(t, e.b, "MQ_INST_1", "orders"); n != 1 {
		t.Fatalf("instance MQ_INST_1 has %d messages", n)
	}
	c.Must(t, wire.Request{Op: "consumer", Name: "c", NameServer: []string{e.nameServer}, Group: "GID_c",
		Topic: "orders", Namespace: "MQ_INST_1"})
	if m := c.Next(t, "message").Message; m.MsgID != res.MsgID {
		t.Fatalf("got %+v", m)
	}
}

// TestAcrossProtocols publishes over each protocol and consumes over the
// other, on one broker: topic, tag, keys, properties and message ID
// arrive as sent.
func TestAcrossProtocols(t *testing.T) {
	httpSrv, err := localmq.New(localmq.Config{})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := httpSrv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { httpSrv.Close() })
	srv, err := remoting.New(remoting.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	ns, ba, err := srv.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	e := &env{b: httpSrv.Broker(), srv: srv, nameServer: ns, brokerAddr: ba}
	cred := httpSrv.Credentials()
	client := mq.NewAliyunMQClient(endpoint, cred.AccessKeyID, cred.AccessKeySecret, "")

	// remoting -> MQ HTTP
	c := e.client(t)
	res := c.Send(t, "p", "cross", wire.Message{Body: "from remoting", Tag: "T1", Keys: []string{"k1", "k2"},
		Properties: map[string]string{"user": "u1", "url": "http://x"}})
	hc := client.GetConsumer("", "cross", "GID_http", "")
	resp := make(chan mq.ConsumeMessageResponse, 1)
	errc := make(chan error, 1)
	go hc.ConsumeMessage(resp, errc, 1, 5)
	select {
	case r := <-resp:
		got := r.Messages[0]
		if got.MessageId != res.MsgID || got.MessageBody != "from remoting" || got.MessageTag != "T1" ||
			got.MessageKey != "k1 k2" || got.Properties["user"] != "u1" {
			t.Fatalf("over HTTP: %+v", got)
		}
		if _, ok := got.Properties["url"]; ok {
			t.Fatalf("a property with ':' reached HTTP: %v", got.Properties)
		}
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("nothing over HTTP")
	}

	// MQ HTTP -> remoting
	hp := client.GetProducer("", "cross2")
	hres, err := hp.PublishMessage(mq.PublishMessageRequest{MessageBody: "from http", MessageTag: "T2",
		MessageKey: "hk", Properties: map[string]string{"user": "u2"}})
	if err != nil {
		t.Fatal(err)
	}
	e.consume(t, c, "c", "GID_remoting", "cross2", "T2")
	got := c.Next(t, "message").Message
	if got.MsgID != hres.MessageId || got.Body != "from http" || got.Tags != "T2" ||
		fmt.Sprint(got.Keys) != "[hk]" || got.Properties["user"] != "u2" {
		t.Fatalf("over remoting: %+v", got)
	}
}
