package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	mq "github.com/aliyunmq/mq-http-go-sdk"
)

// TestPipelineFilters publishes to one topic read by a function behind a
// tag filter and one behind an event pattern: each records exactly the
// messages its filter passes, in publish order, with every field as
// published.
func TestPipelineFilters(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-filters.yaml", nil, "")
	msg := func(body, tag, region, channel string) mq.PublishMessageRequest {
		return mq.PublishMessageRequest{MessageBody: body, MessageTag: tag,
			Properties: map[string]string{"region": region, "channel": channel}}
	}
	first := msg("m1", "created", "cn-hangzhou", "web")
	first.MessageKey, first.ShardingKey = "o1 c7", "o1"
	id1 := p.publish("orders", first)
	p.publish("orders", msg("m2", "paid", "us-east-1", "web"))
	p.publish("orders", msg("m3", "refunded", "cn-shanghai", "app"))
	p.publish("orders", msg("m4", "created", "cn-beijing", "test"))
	p.publish("orders", msg("m5", "other", "eu-west-1", "web"))
	p.publish("orders", msg("last", "paid", "cn-hangzhou", "web"))

	// A function records a message during its invocation, before the
	// bridge has its answer: wait for the bridge to settle each event too.
	settled := func(trigger string) func() bool {
		return func() bool { st := p.Bridge.Stats(trigger); return st.Pending == 0 && st.Delivered == st.Accepted }
	}
	p.waitFor("last message at both functions", func() bool { return p.has("tagged", "last")() && p.has("patterned", "last")() })
	p.waitFor("both triggers settled", func() bool { return settled("tagged-rocketmq")() && settled("patterned-rocketmq")() })
	if got, want := pipeBodies(p.records("tagged")), []string{"m1", "m2", "m4", "last"}; !slices.Equal(got, want) {
		t.Errorf("tag created||paid: recorded %q, want %q", got, want)
	}
	if got, want := pipeBodies(p.records("patterned")), []string{"m1", "m3", "last"}; !slices.Equal(got, want) {
		t.Errorf("pattern region cn-*, channel not test: recorded %q, want %q", got, want)
	}
	if st := p.Bridge.Stats("patterned-rocketmq"); st.Filtered != 3 || st.Delivered != 3 {
		t.Errorf("pattern trigger stats = %+v, want 3 filtered, 3 delivered", st)
	}
	r := p.records("tagged")[0]
	if r.ID != id1 || r.Topic != "orders" || r.Tag != "created" || !slices.Equal(r.Keys, []string{"o1", "c7"}) ||
		r.ShardingKey != "o1" || r.Properties["region"] != "cn-hangzhou" || r.Properties["channel"] != "web" ||
		r.EventType != "mq:Topic:SendMessage" || r.RequestID == "" {
		t.Errorf("first message recorded as %+v, published as %s %+v", r, id1, first)
	}
}

// TestPipelineOrdered publishes messages of four sharding keys from four
// producers at once, behind an event-streaming trigger: each key's
// messages are recorded in the order they were published, each once.
func TestPipelineOrdered(t *testing.T) {
	t.Parallel()
	p := startPipeline(t, "pipeline-ordered.yaml", nil, "")
	const keys, perKey = 4, 15
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for i := range perKey {
				key := fmt.Sprintf("k%d", k)
				p.publish("sequence", mq.PublishMessageRequest{MessageBody: fmt.Sprintf("%s-%02d", key, i), ShardingKey: key})
			}
		})
	}
	wg.Wait()
	p.waitFor("every message", p.count("ordered", keys*perKey))
	rs := p.records("ordered")
	next := map[string]int{}
	for _, r := range rs {
		if want := fmt.Sprintf("%s-%02d", r.ShardingKey, next[r.ShardingKey]); r.Body != want {
			t.Fatalf("key %s: recorded %s where %s was due; sequence %q", r.ShardingKey, r.Body, want, pipeBodies(rs))
		}
		next[r.ShardingKey]++
	}
	if len(rs) != keys*perKey {
		t.Errorf("%d records, want %d", len(rs), keys*perKey)
	}
	for _, inv := range pipeInvocations(rs) {
		if len(inv) > 8 {
			t.Errorf("an invocation of %d messages; CountBasedWindow is 8", len(inv))
		}
	}
}

// TestPipelineModes delivers the same twelve messages to an event-driven
// function (one CloudEvent object per invocation), an event-streaming one
// (arrays of four) and an event-streaming RawData one (arrays of four data
// objects), as the recorded request IDs and the captured payloads show.
func TestPipelineModes(t *testing.T) {
	t.Parallel()
	capture := t.TempDir()
	p := startPipeline(t, "pipeline-modes.yaml", newFakeClock(), capture)
	var ids []string
	for i := range 12 {
		ids = append(ids, p.publish("modes", mq.PublishMessageRequest{MessageBody: fmt.Sprintf("m%02d", i), MessageTag: "t"}))
	}
	for _, f := range []string{"driven", "streaming", "raw"} {
		p.waitFor(f+" records", p.count(f, 12))
	}
	for _, c := range []struct {
		function string
		size     int
		envelope bool
	}{{"driven", 1, true}, {"streaming", 4, true}, {"raw", 4, false}} {
		rs := p.records(c.function)
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
			if (r.EventType == "mq:Topic:SendMessage") != c.envelope || (r.EventID != "") != c.envelope {
				t.Errorf("%s: message %s has event type %q, id %q", c.function, r.Body, r.EventType, r.EventID)
			}
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%s: recorded messages %q, want %q", c.function, got, ids)
		}
		for i, inv := range pipeInvocations(rs) {
			if len(inv) != c.size || inv[len(inv)-1].Index != c.size-1 {
				t.Errorf("%s: invocation %d carried %d messages, want %d", c.function, i, len(inv), c.size)
			}
		}
	}
	checkCaptureShapes(t, filepath.Join(capture, "driven-rocketmq"), 12, "{")
	checkCaptureShapes(t, filepath.Join(capture, "streaming-rocketmq"), 3, `[{"id"`)
	checkCaptureShapes(t, filepath.Join(capture, "raw-rocketmq"), 3, `[{"topic"`)
}

// checkShapes checks that a trigger's capture directory holds n payloads
// starting with prefix.
func checkCaptureShapes(t *testing.T, dir string, n int, prefix string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var payloads int
	for _, f := range files {
		if strings.HasSuffix(f, ".meta.json") {
			continue
		}
		payloads++
		b, err := os.ReadFile(f)
		if err != nil || !json.Valid(b) || !strings.HasPrefix(string(b), prefix) {
			t.Errorf("%s: %.60s... (%v), want JSON starting %s", f, b, err, prefix)
		}
	}
	if payloads != n {
		t.Errorf("%s: %d payloads captured, want %d", dir, payloads, n)
	}
}
