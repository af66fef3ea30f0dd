package stack_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
)

// TestPipelineCaptureReplay captures every payload a trigger delivers (a
// batch that succeeds, and a batch that fails on its first attempt and
// its three retries), then replays the capture into the same function:
// each replayed payload has the outcome and request ID of its capture, and
// the function records exactly what it recorded the first time.
func TestPipelineCaptureReplay(t *testing.T) {
	t.Parallel()
	capture := t.TempDir()
	p := startPipeline(t, "pipeline-replay.yaml", newFakeClock(), capture)
	for _, body := range []string{"a", "b", "fail", "c"} {
		p.publish("replayed", mq.PublishMessageRequest{MessageBody: body})
	}
	p.settle("both batches done", func() bool {
		st := p.Bridge.Stats("replayed-rocketmq")
		return st.Delivered == 2 && st.Skipped == 2
	})
	first := p.records("replayed")
	if len(first) != 2+4*2 {
		t.Fatalf("%d records, want 10 (a batch of 2 once, one 4 times): %+v", len(first), first)
	}
	if err := os.Remove(filepath.Join(p.dir, "replayed.jsonl")); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results, err := eventbridge.Replay(ctx, invokerSink{p.Invokers["replayed"]}, capture)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 5 {
		t.Fatalf("%d payloads replayed, want 5", len(results))
	}
	for _, r := range results {
		m := readPipeMeta(t, r.Path)
		if r.Err != nil || r.Outcome.Failed != m.Failed || r.RequestID != m.RequestID || r.Outcome.Reason != m.Reason {
			t.Errorf("%s: replayed %s: %+v (%v); captured %s: failed %v, %q",
				filepath.Base(r.Path), r.RequestID, r.Outcome, r.Err, m.RequestID, m.Failed, m.Reason)
		}
	}
	if again := p.records("replayed"); !reflect.DeepEqual(again, first) {
		t.Errorf("replay recorded\n%+v\nthe pipeline recorded\n%+v", again, first)
	}
}

// pipeMeta is the part of a capture sidecar the test compares.
type pipeMeta struct {
	RequestID string `json:"requestId"`
	Failed    bool   `json:"failed"`
	Reason    string `json:"reason"`
}

func readPipeMeta(t *testing.T, payload string) pipeMeta {
	t.Helper()
	var m pipeMeta
	b, err := os.ReadFile(strings.TrimSuffix(payload, ".json") + ".meta.json")
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// invokerSink delivers to a function's invoker as the stack does.
type invokerSink struct{ inv *fcinvoker.Invoker }

func (k invokerSink) Deliver(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
	res, err := k.inv.Invoke(ctx, payload, requestID)
	if err != nil || !res.Failed {
		return eventbridge.Outcome{}, err
	}
	return eventbridge.Outcome{Failed: true, Reason: strings.TrimSpace(res.ErrorType + ": " + string(res.Body))}, nil
}
