package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/console"
)

// startMQ runs "rocketfn mq --no-remoting --no-grpc" (MQ HTTP only, so
// no fixed remoting or gRPC port is bound) in process with args and
// returns the variables its banner exported; it stops at the end of the
// test.
func startMQ(t *testing.T, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serveMQ(ctx, append([]string{"--listen", "127.0.0.1:0", "--no-remoting", "--no-grpc"}, args...), w, io.Discard)
		w.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serveMQ: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serveMQ did not return after cancel")
		}
	})
	return readBanner(t, out, envMQEndpoint, envAccessKeyID, envAccessKeySecret)
}

// consumeAck consumes what group has on topic and acknowledges it.
func consumeAck(t *testing.T, c mq.MQClient, instance, topic, group string) int {
	t.Helper()
	cons := c.GetConsumer(instance, topic, group, "")
	rc, ec := make(chan mq.ConsumeMessageResponse, 1), make(chan error, 1)
	go cons.ConsumeMessage(rc, ec, 16, 1)
	select {
	case r := <-rc:
		var handles []string
		for _, m := range r.Messages {
			handles = append(handles, m.ReceiptHandle)
		}
		if err := cons.AckMessage(handles); err != nil {
			t.Fatalf("ack: %v", err)
		}
		return len(handles)
	case err := <-ec:
		t.Fatalf("consume %s as %s: %v", topic, group, err)
	case <-time.After(10 * time.Second):
		t.Fatal("consume: no answer")
	}
	return 0
}

// TestMQBacklogAndResetOffset runs "rocketfn mq --strict" with declared
// topics and groups, and "rocketfn mq backlog" and "rocketfn mq
// reset-offset" against it.
func TestMQBacklogAndResetOffset(t *testing.T) {
	env := startMQ(t, "--memory", "--strict", "--topic", "MQ_I/orders", "--group", "MQ_I/GID_c", "--retention", "1h")
	getenv := func(name string) string { return env[name] }
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	if _, err := c.GetProducer("MQ_I", "nosuch").PublishMessage(mq.PublishMessageRequest{MessageBody: "x"}); err == nil || !strings.Contains(err.Error(), "TopicNotExist") {
		t.Fatalf("publish to an undeclared topic of a strict mq: %v", err)
	}
	for _, body := range []string{"a", "b"} {
		if _, err := c.GetProducer("MQ_I", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: body}); err != nil {
			t.Fatalf("publish to a declared topic: %v", err)
		}
	}
	if n := consumeAck(t, c, "MQ_I", "orders", "GID_c"); n != 2 {
		t.Fatalf("consumed %d, want 2", n)
	}

	var out, errOut bytes.Buffer
	if err := mqBacklog(nil, &out, &errOut, getenv); err != nil {
		t.Fatalf("backlog: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "INSTANCE") || strings.Join(strings.Fields(lines[1]), " ") != "MQ_I orders GID_c 0 0 0 - 2" {
		t.Fatalf("backlog printed\n%s", out.String())
	}
	if _, err := c.GetProducer("MQ_I", "orders").PublishMessage(mq.PublishMessageRequest{MessageBody: "c"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := mqBacklog([]string{"--instance", "MQ_I", "--json"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("backlog --json: %v", err)
	}
	var bls []console.Backlog
	if err := json.Unmarshal(out.Bytes(), &bls); err != nil || len(bls) != 1 || bls[0].Ready != 1 || bls[0].Oldest == nil || bls[0].Retained != 3 {
		t.Fatalf("backlog --json = %s (%v)", out.String(), err)
	}
	if age := time.Since(*bls[0].Oldest); age < 0 || age > time.Minute {
		t.Errorf("oldest unconsumed %v ago", age)
	}

	out.Reset()
	if err := mqResetOffset([]string{"--instance", "MQ_I", "--topic", "orders", "--group", "GID_c", "--to", "earliest"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("reset-offset: %v", err)
	}
	if got := strings.TrimSpace(out.String()); got != "group GID_c of topic orders (instance MQ_I) reset to earliest: 3 messages to consume" {
		t.Errorf("reset-offset printed %q", got)
	}
	if n := consumeAck(t, c, "MQ_I", "orders", "GID_c"); n != 3 {
		t.Errorf("consumed %d after the reset, want 3", n)
	}

	// The instance from s.yaml's trigger on the topic.
	dir := t.TempDir()
	yaml := filepath.Join(dir, "s.yaml")
	b, err := os.ReadFile("../../s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(yaml, bytes.ReplaceAll(b, []byte("mqInstance: MQ_INST_rocketfn"), []byte("mqInstance: MQ_I")), 0o644)
	out.Reset()
	if err := mqResetOffset([]string{"--file", yaml, "--topic", "orders", "--group", "GID_c", "--to", "latest", "--json"}, &out, &errOut, getenv); err != nil {
		t.Fatalf("reset-offset with the instance from s.yaml: %v", err)
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res["instance"] != "MQ_I" || res["pending"] != 0.0 || res["to"] != "latest" {
		t.Errorf("reset-offset --json = %s (%v)", out.String(), err)
	}

	for _, c := range []struct {
		args   []string
		status int
		want   []string
	}{
		{[]string{"--instance", "MQ_I", "--topic", "orders", "--group", "GID_c", "--to", "yesterday"}, 2, []string{`"yesterday"`, "earliest, latest or an RFC 3339 time"}},
		{[]string{"--topic", "orders", "--to", "earliest"}, 2, []string{"--group required"}},
		{[]string{"--instance", "MQ_I", "--topic", "orders", "--group", "GID_nobody", "--to", "earliest"}, 1, []string{"GID_nobody", "orders"}},
		{[]string{"--instance", "MQ_I", "--topic", "orders", "--group", "GID_c", "--to", "earliest", "--endpoint", "http://127.0.0.1:1"}, 1, []string{"no local RocketMQ answers at http://127.0.0.1:1"}},
	} {
		var stderr bytes.Buffer
		err := mqResetOffset(c.args, io.Discard, &stderr, getenv)
		if code := exitStatus("mq reset-offset", err, &stderr); code != c.status {
			t.Errorf("%q: exit %d (%v), want %d", c.args, code, err, c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%q: %q, want it to name %s", c.args, stderr.String(), w)
			}
		}
	}
}

// TestMQFlags: --retention reaches the broker and is checked; the help of
// mq and dev shows --retention, --topic and --group, and mq's names its
// subcommands.
func TestMQFlags(t *testing.T) {
	f, err := parseMQFlags([]string{"--retention", "1h", "--topic", "MQ_I/orders", "--topic", "plain", "--group", "MQ_I/GID_a"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mqConfig(f, nil)
	if cfg.Broker.Retention != time.Hour || len(f.topics) != 2 || f.topics[1].Instance != "" || f.topics[1].Name != "plain" || f.groups[0].Instance != "MQ_I" {
		t.Errorf("retention %v, topics %v, groups %v", cfg.Broker.Retention, f.topics, f.groups)
	}
	if f, _ := parseMQFlags(nil, io.Discard); mqConfig(f, nil).Broker.Retention != 72*time.Hour {
		t.Errorf("default retention %v, want 72h", f.retention)
	}
	df, err := parseDevFlags([]string{"--retention", "2h", "--topic", "MQ_I/audit"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if dc := devConfig(df, nil, nil); dc.Retention != 2*time.Hour || len(dc.Topics) != 1 || dc.Topics[0].Instance != "MQ_I" {
		t.Errorf("dev config: retention %v, topics %v", dc.Retention, dc.Topics)
	}
	for _, args := range [][]string{{"--retention", "0s"}, {"--retention", "-1h"}, {"--topic", "a/b/c"}, {"--topic", "MQ_I/"}, {"--group", "bad group!"}} {
		var stderr bytes.Buffer
		err := serveMQ(t.Context(), append(args, "--memory", "--listen", "127.0.0.1:0", "--no-remoting", "--no-grpc"), io.Discard, &stderr)
		if code := exitStatus("mq", err, &stderr); code != 2 || !strings.Contains(stderr.String(), args[1]) {
			t.Errorf("mq %q: exit %d, %q; want a usage error naming %q", args, code, stderr.String(), args[1])
		}
	}
	var stderr bytes.Buffer
	serveMQ(t.Context(), []string{"-h"}, io.Discard, &stderr)
	for _, w := range []string{"--retention duration", "(default 72h0m0s)", "--topic INSTANCE/TOPIC", "--group INSTANCE/GROUP", "rocketfn mq backlog", "rocketfn mq reset-offset"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("rocketfn mq -h lacks %q", w)
		}
	}
	stderr.Reset()
	parseDevFlags([]string{"-h"}, &stderr)
	for _, w := range []string{"--retention duration", "--topic INSTANCE/TOPIC", "--group INSTANCE/GROUP"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("rocketfn dev -h lacks %q", w)
		}
	}
	stderr.Reset()
	mqResetOffset([]string{"-h"}, io.Discard, &stderr, func(string) string { return "" })
	for _, w := range []string{"--to position", "--group group", "--endpoint url"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("rocketfn mq reset-offset -h lacks %q", w)
		}
	}
}

// TestSendInstanceFromSYAML: without --instance and $MQ_INSTANCE, send
// publishes to the instance of s.yaml's trigger on the topic, where it is
// delivered; a topic consumed from two instances needs --instance.
func TestSendInstanceFromSYAML(t *testing.T) {
	env := startMQ(t, "--memory")
	getenv := func(name string) string { return env[name] }
	c := mq.NewAliyunMQClient(env[envMQEndpoint], env[envAccessKeyID], env[envAccessKeySecret], "")
	var out bytes.Buffer
	if err := send([]string{"--file", "../../s.yaml", "--topic", "orders", "--body", "o1"}, &out, &out, getenv); err != nil {
		t.Fatalf("send: %v (%s)", err, out.String())
	}
	if n := consumeAck(t, c, "MQ_INST_rocketfn", "orders", "GID_orders_fc"); n != 1 {
		t.Errorf("the trigger's instance got %d messages, want 1", n)
	}
	b, _ := os.ReadFile("../../s.yaml")
	two := filepath.Join(t.TempDir(), "s.yaml")
	b = bytes.Replace(b, []byte("InstanceId: ${vars.mqInstance}\n                  Topic: orders-timeout"), []byte("InstanceId: MQ_INST_other\n                  Topic: orders"), 1)
	os.WriteFile(two, b, 0o644)
	var stderr bytes.Buffer
	err := send([]string{"--file", two, "--topic", "orders", "--body", "o2"}, io.Discard, &stderr, getenv)
	if code := exitStatus("send", err, &stderr); code != 2 || !strings.Contains(stderr.String(), "MQ_INST_rocketfn") || !strings.Contains(stderr.String(), "MQ_INST_other") {
		t.Errorf("send to a topic of two instances: exit %d, %q", code, stderr.String())
	}
	if err := send([]string{"--file", filepath.Join(t.TempDir(), "none.yaml"), "--topic", "orders", "--body", "o3"}, io.Discard, io.Discard, getenv); err == nil || !strings.Contains(err.Error(), "none.yaml") {
		t.Errorf("send with a missing --file: %v, want an error naming it", err)
	}
}
