package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

func TestSend(t *testing.T) {
	srv, err := rocketmq.New(rocketmq.Config{})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "order.json")
	os.WriteFile(file, []byte(`{"id":"o1"}`), 0o600)
	env := func(name string) string { return map[string]string{"MQ_ENDPOINT": endpoint}[name] }
	var out bytes.Buffer
	err = send([]string{"--topic", "orders", "--tag", "created", "--keys", "o1 c7", "--body", "@" + file,
		"--property", "region=hz", "--sharding-key", "o1", "--json"}, &out, &out, env)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	var res map[string]string
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res["messageId"]) != 32 {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	c := srv.Credentials()
	cons := mq.NewAliyunMQClient(endpoint, c.AccessKeyID, c.AccessKeySecret, "").GetConsumer("", "orders", "GID_t", "")
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go cons.ConsumeMessage(rc, ec, 1, 3)
	select {
	case r := <-rc:
		m := r.Messages[0]
		if m.MessageId != res["messageId"] || m.MessageBody != `{"id":"o1"}` || m.MessageTag != "created" ||
			m.MessageKey != "o1 c7" || m.ShardingKey != "o1" || m.Properties["region"] != "hz" {
			t.Fatalf("consumed %+v", m)
		}
	case err := <-ec:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no answer")
	}
	// A delayed message is not there yet.
	if err := send([]string{"--topic", "orders", "--body", "later", "--delay", "1h"}, &out, &out, env); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"--body", "x"}, {"--topic", "t", "--delay", "1m", "--at", "2026-01-01T00:00:00Z"}, {"--topic", "t", "--property", "novalue"}} {
		if err := send(bad, &out, &out, env); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}
