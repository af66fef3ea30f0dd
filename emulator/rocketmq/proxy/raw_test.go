package proxy_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// raw is a plain gRPC client of the service, for what the official
// client never sends.
type raw struct {
	v2.MessagingServiceClient
	t *testing.T
}

func dialRaw(t *testing.T, addr string) *raw {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &raw{MessagingServiceClient: v2.NewMessagingServiceClient(conn), t: t}
}

// ctx is a call context with a client ID, signed with ak and secret
// unless ak is empty, and a 10 s deadline.
func (r *raw) ctx(ak, secret string) context.Context {
	date := time.Now().UTC().Format("20060102T150405Z")
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(date))
	md := metadata.Pairs("x-mq-client-id", "raw-client", "x-mq-date-time", date, "x-mq-language", "GO", "x-mq-protocol", "v2",
		"authorization", fmt.Sprintf("MQv2-HMAC-SHA1 Credential=%s//Rocketmq, SignedHeaders=x-mq-date-time, Signature=%s", ak, hex.EncodeToString(mac.Sum(nil))))
	ctx, cancel := context.WithTimeout(metadata.NewOutgoingContext(context.Background(), md), 10*time.Second)
	r.t.Cleanup(cancel)
	return ctx
}

// settings opens a Telemetry stream and sends settings, returning the
// server's answer.
func (r *raw) settings(ctx context.Context, s *v2.Settings) (*v2.TelemetryCommand, error) {
	st, err := r.Telemetry(ctx)
	if err != nil {
		return nil, err
	}
	if err := st.Send(&v2.TelemetryCommand{Command: &v2.TelemetryCommand_Settings{Settings: s}}); err != nil {
		return nil, err
	}
	return st.Recv()
}

func topic(name string) *v2.Resource { return &v2.Resource{Name: name} }

// message is a NORMAL message to topic with a client-made ID.
func message(topicName string, body string) *v2.Message {
	return &v2.Message{Topic: topic(topicName), Body: []byte(body), SystemProperties: &v2.SystemProperties{
		MessageId: fmt.Sprintf("01%030X", time.Now().UnixNano()), MessageType: v2.MessageType_NORMAL, BodyEncoding: v2.Encoding_IDENTITY}}
}
