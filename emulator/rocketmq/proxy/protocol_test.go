package proxy_test

import (
	"testing"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/internal/rmqclient/wire"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestBrokerRecordsProtocol: the broker records which front end
// published each message: MQ HTTP, remoting or the 5.x gRPC protocol.
func TestBrokerRecordsProtocol(t *testing.T) {
	e := startCross(t)
	e.producer(t, "p", "orders")
	viaGRPC := e.send(t, "p", "orders", wire.Message{Body: "grpc"})
	e.c.Must(t, wire.Request{Op: "producer", Name: "rp", NameServer: []string{e.nameServer}, Group: "GID_rp"})
	viaRemoting := e.c.Send(t, "rp", "orders", wire.Message{Body: "remoting"})
	viaHTTP, err := e.http.GetProducer("", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: "http"})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{viaGRPC.MsgID: broker.ProtocolGRPC, viaRemoting.MsgID: broker.ProtocolRemoting,
		viaHTTP.MessageId: broker.ProtocolHTTP} {
		fs, err := e.b.FindMessages("", "orders", broker.MessageQuery{ID: id})
		if err != nil || len(fs) != 1 {
			t.Fatalf("message %s: found %v, %v", id, fs, err)
		}
		if fs[0].Protocol != want {
			t.Errorf("message %s (%q) was recorded as published over %q, want %q", id, fs[0].Body, fs[0].Protocol, want)
		}
	}
}
