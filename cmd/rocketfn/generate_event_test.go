package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// TestGenerateEventDecodes prints every form a trigger delivers and
// decodes each with runtime/event, as a function would.
func TestGenerateEventDecodes(t *testing.T) {
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(bodyFile, []byte(`{"id":"o1","note":"<&>"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"event-streaming", "event-driven"} {
		for _, schema := range []string{"CloudEvents", "RawData"} {
			for _, compact := range []bool{false, true} {
				count := 3
				if mode == "event-driven" {
					count = 1
				}
				args := []string{"--topic", "orders", "--tag", "created", "--keys", "o1 c7", "--sharding-key", "o1",
					"--property", "region=hz", "--body", "@" + bodyFile, "--mode", mode, "--schema", schema,
					"--count", strconv.Itoa(count)}
				if compact {
					args = append(args, "--compact")
				}
				name := mode + "/" + schema
				if compact {
					name += "/compact"
				}
				t.Run(name, func(t *testing.T) { checkGenerated(t, args, mode, schema, count) })
			}
		}
	}
}

// checkGenerated runs generate-event with args and decodes its output.
func checkGenerated(t *testing.T, args []string, mode, schema string, count int) {
	var out bytes.Buffer
	if err := generateEvent(args, &out, &out, func(string) string { return "" }); err != nil {
		t.Fatalf("generate-event: %v", err)
	}
	p, err := event.Decode(out.Bytes())
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, out.String())
	}
	if p.Batch != (mode == "event-streaming") || len(p.Messages) != count || len(p.Failed) != 0 {
		t.Fatalf("decoded batch %v, %d messages, %d failed; want batch %v, %d", p.Batch, len(p.Messages), len(p.Failed),
			mode == "event-streaming", count)
	}
	ids := map[string]bool{}
	for _, m := range p.Messages {
		if m.Topic != "orders" || m.Tag != "created" || !slices.Equal(m.Keys, []string{"o1", "c7"}) ||
			m.ShardingKey != "o1" || m.Text() != `{"id":"o1","note":"<&>"}` || m.UserProperties.Get("region") != "hz" {
			t.Errorf("message %+v", m)
		}
		if len(m.ID) != 32 || ids[m.ID] {
			t.Errorf("message ID %q: want 32 hex digits, new for each message", m.ID)
		}
		ids[m.ID] = true
		if got := m.Event.Source; (schema == "CloudEvents") != (got == "RocketMQ-orders-orders-rocketmq") {
			t.Errorf("%s: CloudEvent source %q", schema, got)
		}
	}
}

// TestGenerateEventBinaryBody checks that a body that is not UTF-8 goes
// as base64, as EventBridge sends it.
func TestGenerateEventBinaryBody(t *testing.T) {
	payload, err := samplePayload(sampleSpec{Topic: "t", Mode: "event-driven", Schema: "CloudEvents"},
		[]sampleMessage{{Body: "\xff\x00\x01"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := event.Decode(payload)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := p.Messages[0].Base64(); err != nil || string(b) != "\xff\x00\x01" {
		t.Errorf("Base64() = %q, %v", b, err)
	}
}

// TestGenerateEventUsageErrors checks the flags it refuses.
func TestGenerateEventUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--body", "x"},
		{"--topic", "t", "--mode", "push"},
		{"--topic", "t", "--schema", "Binary"},
		{"--topic", "t", "--count", "0"},
		{"--topic", "t", "--count", "2", "--mode", "event-driven"},
		{"--topic", "t", "extra"},
	} {
		var out bytes.Buffer
		err := generateEvent(args, &out, &out, func(string) string { return "" })
		var uerr usageError
		if !errors.As(err, &uerr) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	var out bytes.Buffer
	if code := exitStatus("generate-event", generateEvent([]string{"-h"}, &out, &out, func(string) string { return "" }), &out); code != 0 ||
		!strings.Contains(out.String(), "rocketfn generate-event --topic orders") {
		t.Errorf("-h: exit %d, help:\n%s", code, out.String())
	}
}
