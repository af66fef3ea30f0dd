package main

import (
	"context"
	"io"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// TestMQInProcess runs "rocketfn mq" in memory, publishes and consumes
// through the official SDK with the credentials its banner printed, and
// stops it.
func TestMQInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveMQ(ctx, []string{"--listen", "127.0.0.1:0", "--memory"}, w, io.Discard)
		w.Close()
	}()
	env := readBanner(t, out, envMQEndpoint, envAccessKeyID, envAccessKeySecret)
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	if _, err := c.GetProducer("", "t").PublishMessage(mq.PublishMessageRequest{MessageBody: "hello"}); err != nil {
		t.Fatal(err)
	}
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go c.GetConsumer("", "t", "GID_cli", "").ConsumeMessage(rc, ec, 1, 3)
	select {
	case r := <-rc:
		if len(r.Messages) != 1 || r.Messages[0].MessageBody != "hello" {
			t.Fatalf("consumed %+v", r.Messages)
		}
	case err := <-ec:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveMQ: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveMQ did not return after cancel")
	}
}

func TestMQFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--memory", "--data", "x"}, {"--log-level", "loud"}, {"--access-key-id", ""}, {"extra"}} {
		if err := serveMQ(t.Context(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
