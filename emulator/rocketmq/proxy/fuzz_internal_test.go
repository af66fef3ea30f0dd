package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

func fuzzServer(t testing.TB) *Server {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	s, err := New(Config{Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func fuzzCtx() context.Context {
	return metadata.NewIncomingContext(context.Background(), metadata.Pairs(mdClientID, "fuzz"))
}

// FuzzSendMessage sends arbitrary requests: the server never panics, it
// always answers a status, and it answers OK exactly when it published
// every message, under the IDs its entry gives.
func FuzzSendMessage(f *testing.F) {
	tag := "created"
	group := "g"
	for _, req := range []*v2.SendMessageRequest{
		{},
		{Messages: []*v2.Message{{Topic: &v2.Resource{Name: "t"}, Body: []byte("b"), SystemProperties: &v2.SystemProperties{MessageId: "01AB", Tag: &tag, Keys: []string{"k"}}}}},
		{Messages: []*v2.Message{{Topic: &v2.Resource{Name: "t", ResourceNamespace: "MQ_INST"}, Body: []byte("b"), UserProperties: map[string]string{"a": "b"},
			SystemProperties: &v2.SystemProperties{MessageId: "01CD", MessageGroup: &group, DeliveryTimestamp: timestamppb.New(time.Unix(1, 0))}}}},
		{Messages: []*v2.Message{{Topic: &v2.Resource{Name: "t"}, Body: []byte("b"), SystemProperties: &v2.SystemProperties{MessageId: "01EF", MessageType: v2.MessageType_TRANSACTION}}}},
	} {
		b, _ := proto.Marshal(req)
		f.Add(b)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var req v2.SendMessageRequest
		if proto.Unmarshal(data, &req) != nil {
			return
		}
		before := s.b.Stats().Published
		resp, err := s.SendMessage(fuzzCtx(), &req)
		if err != nil || resp.GetStatus() == nil {
			t.Fatalf("SendMessage: %v, %v", resp, err)
		}
		published := s.b.Stats().Published - before
		ok := resp.GetStatus().GetCode() == v2.Code_OK
		if ok && published != uint64(len(req.GetMessages())) || !ok && published != 0 || ok && published == 0 {
			t.Fatalf("status %v with %d of %d messages published", resp.GetStatus(), published, len(req.GetMessages()))
		}
		if ok && (len(resp.GetEntries()) != 1 || len(strings.Split(resp.GetEntries()[0].GetMessageId(), ",")) != len(req.GetMessages())) {
			t.Fatalf("OK with entries %v for %d messages", resp.GetEntries(), len(req.GetMessages()))
		}
	})
}

// FuzzParseAuthorization reads arbitrary authorization values without
// panicking; an access key it reads comes with a hex signature.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"", "MQv2-HMAC-SHA1 Credential=ak//Rocketmq, SignedHeaders=x-mq-date-time, Signature=00ff",
		"MQv2-HMAC-SHA1", "x Credential=/", "x a,b=c", "x Credential=ak, Signature=zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ak, sig, err := parseAuthorization(v)
		if err != nil {
			if err.code != v2.Code_UNAUTHORIZED {
				t.Fatalf("%q: %v", v, err)
			}
			return
		}
		if ak != "" && (sig == "" || strings.Trim(strings.ToLower(sig), "0123456789abcdef") != "") {
			t.Fatalf("%q: access key %q with signature %q", v, ak, sig)
		}
	})
}

// FuzzSettings completes arbitrary settings without panicking: the answer
// is a producer's or a consumer's, or a refusal.
func FuzzSettings(f *testing.F) {
	for _, st := range []*v2.Settings{
		{},
		{PubSub: &v2.Settings_Publishing{Publishing: &v2.Publishing{Topics: []*v2.Resource{{Name: "t"}}}}},
		{PubSub: &v2.Settings_Subscription{Subscription: &v2.Subscription{Group: &v2.Resource{Name: "GID_g"},
			Subscriptions: []*v2.SubscriptionEntry{{Topic: &v2.Resource{Name: "t"}, Expression: &v2.FilterExpression{Expression: "a||b"}}}}}},
	} {
		b, _ := proto.Marshal(st)
		f.Add(b)
	}
	s := fuzzServer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var in v2.Settings
		if proto.Unmarshal(data, &in) != nil {
			return
		}
		out, err := s.settings(&in)
		if err != nil {
			return
		}
		switch out.GetPubSub().(type) {
		case *v2.Settings_Publishing:
			if out.GetPublishing().GetMaxBodySize() != MaxBodySize {
				t.Fatalf("publishing settings %v", out)
			}
		case *v2.Settings_Subscription:
			if out.GetSubscription().GetReceiveBatchSize() != maxReceiveBatch {
				t.Fatalf("subscription settings %v", out)
			}
		default:
			t.Fatalf("settings %v answered without publishing or subscription", out)
		}
	})
}
