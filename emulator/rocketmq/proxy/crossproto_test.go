package proxy_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient"
	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	localmq "github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
)

// crossEnv is one broker served over MQ HTTP, remoting and gRPC.
type crossEnv struct {
	*env
	http       mq.MQClient
	nameServer string
}

func startCross(t *testing.T) *crossEnv {
	t.Helper()
	httpSrv, err := localmq.New(localmq.Config{})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := httpSrv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { httpSrv.Close() })
	rs, err := remoting.New(remoting.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	ns, _, err := rs.Start("", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	ps, err := proxy.New(proxy.Config{Broker: httpSrv.Broker(), Keys: httpSrv.Keys()})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := ps.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ps.Close() })
	cred := httpSrv.Credentials()
	return &crossEnv{
		env:        &env{b: httpSrv.Broker(), srv: ps, addr: addr, keys: httpSrv.Keys(), c: rmqclient.Start(t)},
		http:       mq.NewAliyunMQClient(endpoint, cred.AccessKeyID, cred.AccessKeySecret, ""),
		nameServer: ns,
	}
}

// TestGRPCToHTTPAndRemoting: a message sent over gRPC reaches an MQ HTTP
// consumer and a remoting push consumer under its ID, with its tag,
// keys, properties and message group (the sharding key).
func TestGRPCToHTTPAndRemoting(t *testing.T) {
	e := startCross(t)
	e.c.Must(t, wire.Request{Op: "consumer", Name: "push", NameServer: []string{e.nameServer}, Group: "GID_push", Topic: "orders"})
	e.producer(t, "p", "orders")
	props := map[string]string{"region": "cn-hangzhou"}
	sent := e.send(t, "p", "orders", wire.Message{Body: "hello", Tag: "created", Keys: []string{"k1", "k2"}, Properties: props, MessageGroup: "player-7"})

	c := e.http.GetConsumer("", "orders", "GID_http", "")
	var got []mq.ConsumeMessageEntry
	for tries := 0; len(got) == 0; tries++ {
		if tries == 3 {
			t.Fatal("the MQ HTTP consumer received nothing")
		}
		got = consumeHTTP(t, c)
	}
	m := got[0]
	if m.MessageId != sent.MsgID || m.MessageBody != "hello" || m.MessageTag != "created" || m.MessageKey != "k1 k2" ||
		m.ShardingKey != "player-7" || m.Properties["region"] != "cn-hangzhou" {
		t.Errorf("MQ HTTP received %+v, sent as %+v", m, sent)
	}
	ev := e.c.Next(t, "message")
	d := ev.Message
	if d.MsgID != sent.MsgID || d.Body != "hello" || d.Tags != "created" || !slices.Equal(d.Keys, []string{"k1", "k2"}) ||
		d.Properties["region"] != "cn-hangzhou" || d.Properties["SHARDING_KEY"] != "player-7" {
		t.Errorf("remoting received %+v, sent as %+v", d, sent)
	}
}

// TestRemotingAndHTTPToGRPC: messages sent over remoting and MQ HTTP
// reach a gRPC simple consumer with their attributes.
func TestRemotingAndHTTPToGRPC(t *testing.T) {
	e := startCross(t)
	e.consumer(t, "c", "GID_v5", "orders", "*")
	e.c.Must(t, wire.Request{Op: "producer", Name: "rp", NameServer: []string{e.nameServer}, Group: "GID_rp"})
	viaRemoting := e.c.Send(t, "rp", "orders", wire.Message{Body: "remoting", Tag: "a", Keys: []string{"rk"}, ShardingKey: "g1",
		Properties: map[string]string{"from": "remoting"}})
	at := time.Now().Add(time.Second).UnixMilli()
	viaHTTP, err := e.http.GetProducer("", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: "http", MessageTag: "b",
		MessageKey: "hk", Properties: map[string]string{"from": "http"}, StartDeliverTime: at})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]wire.Delivered{}
	for tries := 0; len(got) < 2; tries++ {
		if tries == 4 {
			t.Fatalf("received %v, want both messages", slices.Collect(maps.Keys(got)))
		}
		ms, _ := e.receive(t, "c", 16)
		for _, m := range ms {
			got[m.Body] = m
			e.ack(t, "c", m)
		}
	}
	r, h := got["remoting"], got["http"]
	if r.MsgID != viaRemoting.MsgID || r.Tags != "a" || !slices.Equal(r.Keys, []string{"rk"}) || r.MessageGroup != "g1" || r.Properties["from"] != "remoting" {
		t.Errorf("gRPC received %+v, sent over remoting as %+v", r, viaRemoting)
	}
	if h.MsgID != viaHTTP.MessageId || h.Tags != "b" || !slices.Equal(h.Keys, []string{"hk"}) || h.DeliverAt != at || h.Properties["from"] != "http" {
		t.Errorf("gRPC received %+v, sent over MQ HTTP as %+v (delivery at %d)", h, viaHTTP, at)
	}
}

// consumeHTTP long-polls once for up to 16 messages, acking them.
func consumeHTTP(t *testing.T, c mq.MQConsumer) []mq.ConsumeMessageEntry {
	t.Helper()
	resp := make(chan mq.ConsumeMessageResponse, 1)
	errs := make(chan error, 1)
	c.ConsumeMessage(resp, errs, 16, 5)
	select {
	case r := <-resp:
		var hs []string
		for _, m := range r.Messages {
			hs = append(hs, m.ReceiptHandle)
		}
		if err := c.AckMessage(hs); err != nil {
			t.Fatal(err)
		}
		return r.Messages
	case <-errs:
		return nil
	}
}
