package proxy_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
)

// startRaw serves a strict broker with topic "t" and group "GID_g" to a
// raw client.
func startRaw(t *testing.T, acl bool) (*raw, *broker.Broker) {
	t.Helper()
	b, err := broker.Open(broker.Config{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.CreateTopic("", "t"); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateGroup("", "GID_g"); err != nil {
		t.Fatal(err)
	}
	ring := &keys.Ring{}
	ring.Add(keys.Credentials{AccessKeyID: "ak", AccessKeySecret: "secret"})
	srv, err := proxy.New(proxy.Config{Broker: b, Keys: ring, ACL: acl})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return dialRaw(t, addr), b
}

func wantCode(t *testing.T, what string, st *v2.Status, err error, code v2.Code, text string) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: gRPC error %v, want status %v", what, err, code)
		return
	}
	if st.GetCode() != code || !strings.Contains(st.GetMessage(), text) {
		t.Errorf("%s: %v %q, want %v with %q", what, st.GetCode(), st.GetMessage(), code, text)
	}
}

// TestSendBadInput: each malformed message gets the code and message a
// 5.x server answers, and nothing is published.
func TestSendBadInput(t *testing.T) {
	r, b := startRaw(t, false)
	with := func(f func(m *v2.Message)) []*v2.Message {
		m := message("t", "body")
		f(m)
		return []*v2.Message{m}
	}
	props := map[string]string{}
	for i := range 129 {
		props[strings.Repeat("k", i+1)] = "v"
	}
	group64 := strings.Repeat("g", 64)
	cases := []struct {
		name string
		msgs []*v2.Message
		code v2.Code
		text string
	}{
		{"no message", nil, v2.Code_MESSAGE_CORRUPTED, "no message to send"},
		{"blank topic", with(func(m *v2.Message) { m.Topic = topic(" ") }), v2.Code_ILLEGAL_TOPIC, "The specified topic is blank"},
		{"long topic", with(func(m *v2.Message) { m.Topic = topic(strings.Repeat("t", 128)) }), v2.Code_ILLEGAL_TOPIC, "longer than topic max length 127"},
		{"topic characters", with(func(m *v2.Message) { m.Topic = topic("a b") }), v2.Code_ILLEGAL_TOPIC, "contains illegal characters"},
		{"system topic", with(func(m *v2.Message) { m.Topic = topic("rmq_sys_x") }), v2.Code_ILLEGAL_TOPIC, "cannot access system topic"},
		{"unknown topic", with(func(m *v2.Message) { m.Topic = topic("nope") }), v2.Code_MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, "expected type is UNSPECIFIED"},
		{"two topics", append(with(func(*v2.Message) {}), message("u", "x")), v2.Code_MESSAGE_CORRUPTED, "topic in message is not same"},
		{"empty body", with(func(m *v2.Message) { m.Body = nil }), 41302, "message body cannot be empty"},
		{"large body", with(func(m *v2.Message) { m.Body = make([]byte, proxy.MaxBodySize+1) }), v2.Code_MESSAGE_BODY_TOO_LARGE, "cannot exceed the max 4194304"},
		{"large delayed body", with(func(m *v2.Message) {
			m.Body = make([]byte, 64<<10+1)
			m.SystemProperties.DeliveryTimestamp = timestamppb.New(time.Now().Add(time.Minute))
		}), v2.Code_MESSAGE_BODY_TOO_LARGE, ""},
		{"tag with |", with(func(m *v2.Message) { tag := "a|b"; m.SystemProperties.Tag = &tag }), v2.Code_ILLEGAL_MESSAGE_TAG, "tag cannot contain '|'"},
		{"blank tag", with(func(m *v2.Message) { tag := " "; m.SystemProperties.Tag = &tag }), v2.Code_ILLEGAL_MESSAGE_TAG, "whitespace"},
		{"blank key", with(func(m *v2.Message) { m.SystemProperties.Keys = []string{"k", " "} }), v2.Code_ILLEGAL_MESSAGE_KEY, "whitespace"},
		{"system property", with(func(m *v2.Message) { m.UserProperties = map[string]string{"UNIQ_KEY": "x"} }), v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "property is used by system: UNIQ_KEY"},
		{"control in value", with(func(m *v2.Message) { m.UserProperties = map[string]string{"k": "a\x01b"} }), v2.Code_ILLEGAL_MESSAGE_PROPERTY_KEY, "value of property cannot contain control character"},
		{"129 properties", with(func(m *v2.Message) { m.UserProperties = props }), v2.Code_MESSAGE_PROPERTIES_TOO_LARGE, "too many user properties, max is 128"},
		{"large properties", with(func(m *v2.Message) { m.UserProperties = map[string]string{"k": strings.Repeat("v", 16<<10)} }), v2.Code_MESSAGE_PROPERTIES_TOO_LARGE, "max is 16384"},
		{"long message group", with(func(m *v2.Message) { m.SystemProperties.MessageGroup = &group64 }), v2.Code_ILLEGAL_MESSAGE_GROUP, "exceed the max size 64"},
		{"far delivery", with(func(m *v2.Message) {
			m.SystemProperties.DeliveryTimestamp = timestamppb.New(time.Now().Add(25 * time.Hour))
		}), v2.Code_ILLEGAL_DELIVERY_TIME, "max is 86400000"},
		{"no message id", with(func(m *v2.Message) { m.SystemProperties.MessageId = "" }), v2.Code_ILLEGAL_MESSAGE_ID, "message id cannot be empty"},
		{"gzip that is not", with(func(m *v2.Message) { m.SystemProperties.BodyEncoding = v2.Encoding_GZIP }), v2.Code_MESSAGE_CORRUPTED, "not gzip"},
		{"no system properties", with(func(m *v2.Message) { m.SystemProperties = nil }), v2.Code_ILLEGAL_MESSAGE_ID, "message id cannot be empty"},
	}
	for _, tc := range cases {
		resp, err := r.SendMessage(r.ctx("", ""), &v2.SendMessageRequest{Messages: tc.msgs})
		wantCode(t, tc.name, resp.GetStatus(), err, tc.code, tc.text)
		if len(resp.GetEntries()) != 0 {
			t.Errorf("%s: entries %v for a refused send", tc.name, resp.GetEntries())
		}
	}
	if qs, err := b.Queues("", "t"); err != nil || qs[0].Max != 0 || qs[1].Max != 0 {
		t.Errorf("refused sends published: %+v %v", qs, err)
	}
}

// TestReceiveBadInput: receives with bad durations, names, filters or no
// settings get the codes a 5.x server answers.
func TestReceiveBadInput(t *testing.T) {
	r, _ := startRaw(t, false)
	ctx := r.ctx("", "")
	sub := &v2.Settings{ClientType: v2.ClientType_SIMPLE_CONSUMER.Enum(), RequestTimeout: durationpb.New(3 * time.Second),
		PubSub: &v2.Settings_Subscription{Subscription: &v2.Subscription{Group: topic("GID_g")}}}
	receive := func(req *v2.ReceiveMessageRequest) *v2.Status {
		t.Helper()
		stream, err := r.ReceiveMessage(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var st *v2.Status
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return st
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := resp.GetStatus(); s != nil && st == nil {
				st = s
			}
		}
	}
	req := func(f func(*v2.ReceiveMessageRequest)) *v2.ReceiveMessageRequest {
		q := &v2.ReceiveMessageRequest{Group: topic("GID_g"), MessageQueue: &v2.MessageQueue{Topic: topic("t")},
			BatchSize: 16, InvisibleDuration: durationpb.New(30 * time.Second), FilterExpression: &v2.FilterExpression{Type: v2.FilterType_TAG, Expression: "*"}}
		f(q)
		return q
	}
	wantCode(t, "no settings", receive(req(func(*v2.ReceiveMessageRequest) {})), nil, v2.Code_UNRECOGNIZED_CLIENT_TYPE, "cannot find client settings")
	if cmd, err := r.settings(ctx, sub); err != nil || cmd.GetStatus().GetCode() != v2.Code_OK {
		t.Fatalf("settings: %v %v", cmd, err)
	}
	cases := []struct {
		name string
		f    func(*v2.ReceiveMessageRequest)
		code v2.Code
		text string
	}{
		{"short invisibility", func(q *v2.ReceiveMessageRequest) { q.InvisibleDuration = durationpb.New(5 * time.Second) }, v2.Code_ILLEGAL_INVISIBLE_TIME, "too small. min is 10000"},
		{"long invisibility", func(q *v2.ReceiveMessageRequest) { q.InvisibleDuration = durationpb.New(13 * time.Hour) }, v2.Code_ILLEGAL_INVISIBLE_TIME, "too large. max is 43200000"},
		{"unknown group", func(q *v2.ReceiveMessageRequest) { q.Group = topic("GID_nope") }, v2.Code_CONSUMER_GROUP_NOT_FOUND, "GID_nope"},
		{"unknown topic", func(q *v2.ReceiveMessageRequest) { q.MessageQueue.Topic = topic("nope") }, v2.Code_TOPIC_NOT_FOUND, "nope"},
		{"bad group", func(q *v2.ReceiveMessageRequest) { q.Group = topic("") }, v2.Code_ILLEGAL_CONSUMER_GROUP, "the specified group is blank"},
		{"SQL filter", func(q *v2.ReceiveMessageRequest) {
			q.FilterExpression = &v2.FilterExpression{Type: v2.FilterType_SQL, Expression: "a > 1"}
		}, v2.Code_NOT_IMPLEMENTED, "SQL92"},
		{"bad tag expression", func(q *v2.ReceiveMessageRequest) { q.FilterExpression.Expression = "a||" }, v2.Code_ILLEGAL_FILTER_EXPRESSION, ""},
	}
	for _, tc := range cases {
		wantCode(t, tc.name, receive(req(tc.f)), nil, tc.code, tc.text)
	}
}

// TestHandleBadInput: acknowledging, changing or forwarding what is not a
// live delivery is refused per entry with the servers' codes.
func TestHandleBadInput(t *testing.T) {
	r, _ := startRaw(t, false)
	ctx := r.ctx("", "")
	ack, err := r.AckMessage(ctx, &v2.AckMessageRequest{Group: topic("GID_g"), Topic: topic("t"),
		Entries: []*v2.AckMessageEntry{{MessageId: "01AB", ReceiptHandle: "garbage"}}})
	wantCode(t, "ack garbage", ack.GetStatus(), err, v2.Code_INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR")
	if es := ack.GetEntries(); len(es) != 1 || es[0].GetReceiptHandle() != "garbage" {
		t.Errorf("ack entries %v", es)
	} else {
		wantCode(t, "ack garbage's entry", es[0].GetStatus(), nil, v2.Code_INTERNAL_SERVER_ERROR, "ack failed: status is abnormal")
	}
	noEntries, err := r.AckMessage(ctx, &v2.AckMessageRequest{Group: topic("GID_g"), Topic: topic("t")})
	wantCode(t, "ack nothing", noEntries.GetStatus(), err, v2.Code_BAD_REQUEST, "")
	ch, err := r.ChangeInvisibleDuration(ctx, &v2.ChangeInvisibleDurationRequest{Group: topic("GID_g"), Topic: topic("t"),
		ReceiptHandle: "garbage", InvisibleDuration: durationpb.New(-time.Second)})
	wantCode(t, "negative change", ch.GetStatus(), err, v2.Code_ILLEGAL_INVISIBLE_TIME, "too small")
	ch, err = r.ChangeInvisibleDuration(ctx, &v2.ChangeInvisibleDurationRequest{Group: topic("GID_g"), Topic: topic("t"),
		ReceiptHandle: "garbage", InvisibleDuration: durationpb.New(time.Minute)})
	wantCode(t, "change garbage", ch.GetStatus(), err, v2.Code_INTERNAL_SERVER_ERROR, "changeInvisibleDuration failed")
	dlq, err := r.ForwardMessageToDeadLetterQueue(ctx, &v2.ForwardMessageToDeadLetterQueueRequest{Group: topic("GID_g"), Topic: topic("t"), ReceiptHandle: "garbage"})
	wantCode(t, "forward garbage", dlq.GetStatus(), err, v2.Code_INTERNAL_SERVER_ERROR, "")
	end, err := r.EndTransaction(ctx, &v2.EndTransactionRequest{Topic: topic("t"), MessageId: "01AB", TransactionId: "garbage", Resolution: v2.TransactionResolution_COMMIT})
	wantCode(t, "end garbage", end.GetStatus(), err, v2.Code_INTERNAL_SERVER_ERROR, "cannot found transaction data")
	end, err = r.EndTransaction(ctx, &v2.EndTransactionRequest{Topic: topic("t"), MessageId: "01AB", Resolution: v2.TransactionResolution_COMMIT})
	wantCode(t, "end without id", end.GetStatus(), err, v2.Code_INVALID_TRANSACTION_ID, "transaction id cannot be empty")
	route, err := r.QueryRoute(ctx, &v2.QueryRouteRequest{Topic: topic("nope")})
	wantCode(t, "route of an unknown topic", route.GetStatus(), err, v2.Code_TOPIC_NOT_FOUND, "No topic route info in name server for the topic: nope")
	hb, err := r.Heartbeat(ctx, &v2.HeartbeatRequest{ClientType: v2.ClientType_PRODUCER})
	wantCode(t, "heartbeat without settings", hb.GetStatus(), err, v2.Code_UNRECOGNIZED_CLIENT_TYPE, "cannot find client settings")
	if _, err := r.settings(ctx, &v2.Settings{ClientType: v2.ClientType_PRODUCER.Enum()}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("settings without publishing or subscription: %v, want gRPC InvalidArgument", err)
	}
	huge := message("t", strings.Repeat("x", 17<<20))
	if _, err := r.SendMessage(ctx, &v2.SendMessageRequest{Messages: []*v2.Message{huge}}); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a 17 MiB request: %v, want gRPC ResourceExhausted", err)
	}
}

// TestAuth: signed calls are verified, unsigned ones accepted without ACL
// and refused with it; every call needs a client ID.
func TestAuth(t *testing.T) {
	open, _ := startRaw(t, false)
	route := func(r *raw, ak, secret string) *v2.Status {
		resp, err := r.QueryRoute(r.ctx(ak, secret), &v2.QueryRouteRequest{Topic: topic("t")})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetStatus()
	}
	wantCode(t, "unsigned without ACL", route(open, "", ""), nil, v2.Code_OK, "")
	wantCode(t, "signed", route(open, "ak", "secret"), nil, v2.Code_OK, "")
	wantCode(t, "wrong secret", route(open, "ak", "guess"), nil, v2.Code_UNAUTHORIZED, "check signature failed.")
	wantCode(t, "unknown key", route(open, "who", "secret"), nil, v2.Code_UNAUTHORIZED, "User:who is not found.")
	closed, _ := startRaw(t, true)
	wantCode(t, "unsigned with ACL", route(closed, "", ""), nil, v2.Code_UNAUTHORIZED, "username cannot be null.")
	wantCode(t, "signed with ACL", route(closed, "ak", "secret"), nil, v2.Code_OK, "")
	resp, err := open.QueryRoute(t.Context(), &v2.QueryRouteRequest{Topic: topic("t")})
	wantCode(t, "no client ID", resp.GetStatus(), err, v2.Code_CLIENT_ID_REQUIRED, "client id cannot be empty")
}

// TestAckResults: an ack of a live and a dead handle answers each entry
// and MULTIPLE_RESULTS; acknowledging again is abnormal.
func TestAckResults(t *testing.T) {
	r, _ := startRaw(t, false)
	ctx := r.ctx("", "")
	for _, body := range []string{"one", "two"} {
		if resp, err := r.SendMessage(ctx, &v2.SendMessageRequest{Messages: []*v2.Message{message("t", body)}}); err != nil || resp.GetStatus().GetCode() != v2.Code_OK {
			t.Fatalf("send: %v %v", resp, err)
		}
	}
	sub := &v2.Settings{ClientType: v2.ClientType_SIMPLE_CONSUMER.Enum(), RequestTimeout: durationpb.New(3 * time.Second),
		PubSub: &v2.Settings_Subscription{Subscription: &v2.Subscription{Group: topic("GID_g")}}}
	if _, err := r.settings(ctx, sub); err != nil {
		t.Fatal(err)
	}
	stream, err := r.ReceiveMessage(ctx, &v2.ReceiveMessageRequest{Group: topic("GID_g"), MessageQueue: &v2.MessageQueue{Topic: topic("t")},
		BatchSize: 64, InvisibleDuration: durationpb.New(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var handles []string
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch c := resp.GetContent().(type) {
		case *v2.ReceiveMessageResponse_Status:
			kinds = append(kinds, "status:"+c.Status.GetCode().String())
		case *v2.ReceiveMessageResponse_Message:
			kinds = append(kinds, "message")
			handles = append(handles, c.Message.GetSystemProperties().GetReceiptHandle())
		case *v2.ReceiveMessageResponse_DeliveryTimestamp:
			kinds = append(kinds, "delivery_timestamp")
		}
	}
	if strings.Join(kinds, " ") != "status:OK message message delivery_timestamp" {
		t.Fatalf("receive stream %q, want the status, the messages, then the delivery time", kinds)
	}
	entries := []*v2.AckMessageEntry{{MessageId: "1", ReceiptHandle: handles[0]}, {MessageId: "2", ReceiptHandle: "garbage"}}
	ack, err := r.AckMessage(ctx, &v2.AckMessageRequest{Group: topic("GID_g"), Topic: topic("t"), Entries: entries})
	wantCode(t, "mixed ack", ack.GetStatus(), err, v2.Code_MULTIPLE_RESULTS, "")
	if es := ack.GetEntries(); len(es) != 2 || es[0].GetStatus().GetCode() != v2.Code_OK || es[1].GetStatus().GetCode() != v2.Code_INTERNAL_SERVER_ERROR {
		t.Errorf("mixed ack entries %v", es)
	}
	again, err := r.AckMessage(ctx, &v2.AckMessageRequest{Group: topic("GID_g"), Topic: topic("t"), Entries: entries[:1]})
	wantCode(t, "second ack", again.GetStatus(), err, v2.Code_INTERNAL_SERVER_ERROR, "")
}

// TestForwardToDeadLetters: a consumer's forward takes the delivery out of
// the group's deliveries into its dead letters, with a reason.
func TestForwardToDeadLetters(t *testing.T) {
	r, b := startRaw(t, false)
	ctx := r.ctx("", "")
	sent := message("t", "poison")
	if resp, err := r.SendMessage(ctx, &v2.SendMessageRequest{Messages: []*v2.Message{sent}}); err != nil || resp.GetStatus().GetCode() != v2.Code_OK {
		t.Fatalf("send: %v %v", resp, err)
	}
	sub := &v2.Settings{ClientType: v2.ClientType_SIMPLE_CONSUMER.Enum(), RequestTimeout: durationpb.New(3 * time.Second),
		PubSub: &v2.Settings_Subscription{Subscription: &v2.Subscription{Group: topic("GID_g")}}}
	cmd, err := r.settings(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	if got := cmd.GetSettings().GetBackoffPolicy().GetMaxAttempts(); got != int32(broker.DefaultMaxReconsumeTimes) {
		t.Errorf("settings give %d attempts, the broker dead-letters after %d", got, broker.DefaultMaxReconsumeTimes)
	}
	stream, err := r.ReceiveMessage(ctx, &v2.ReceiveMessageRequest{Group: topic("GID_g"), MessageQueue: &v2.MessageQueue{Topic: topic("t")},
		BatchSize: 1, InvisibleDuration: durationpb.New(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	var m *v2.Message
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if x := resp.GetMessage(); x != nil {
			m = x
		}
	}
	if m == nil {
		t.Fatal("nothing received")
	}
	fw, err := r.ForwardMessageToDeadLetterQueue(ctx, &v2.ForwardMessageToDeadLetterQueueRequest{Group: topic("GID_g"), Topic: topic("t"),
		ReceiptHandle: m.GetSystemProperties().GetReceiptHandle(), MessageId: m.GetSystemProperties().GetMessageId(), DeliveryAttempt: 1, MaxDeliveryAttempts: 16})
	wantCode(t, "forward", fw.GetStatus(), err, v2.Code_OK, "")
	dead, err := b.DeadLetters("", "t", "GID_g")
	if err != nil || len(dead) != 1 || dead[0].ID != sent.GetSystemProperties().GetMessageId() || !strings.Contains(dead[0].Reason, "forwarded") {
		t.Fatalf("dead letters %+v, %v", dead, err)
	}
}

// TestAuthSTS: STS credentials are accepted with their session token
// only.
func TestAuthSTS(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ring := &keys.Ring{}
	sts := ring.IssueSTS(time.Now().Add(time.Hour))
	srv, err := proxy.New(proxy.Config{Broker: b, Keys: ring, ACL: true})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := dialRaw(t, addr)
	route := func(ctx context.Context) *v2.Status {
		resp, err := r.QueryRoute(ctx, &v2.QueryRouteRequest{Topic: topic("t")})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetStatus()
	}
	ctx := r.ctx(sts.AccessKeyID, sts.AccessKeySecret)
	wantCode(t, "STS without its token", route(ctx), nil, v2.Code_UNAUTHORIZED, "needs their session token")
	wantCode(t, "STS with a wrong token", route(metadata.AppendToOutgoingContext(ctx, "x-mq-session-token", "guess")), nil, v2.Code_UNAUTHORIZED, "does not match")
	wantCode(t, "STS with its token", route(metadata.AppendToOutgoingContext(ctx, "x-mq-session-token", sts.SecurityToken)), nil, v2.Code_OK, "")
}
