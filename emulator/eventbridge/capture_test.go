package eventbridge

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// replaySink records what Replay delivers.
type replaySink struct {
	mu       sync.Mutex
	payloads [][]byte
	ids      []string
}

func (s *replaySink) Deliver(_ context.Context, payload []byte, requestID string) (Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payloads = append(s.payloads, append([]byte(nil), payload...))
	s.ids = append(s.ids, requestID)
	return Outcome{}, nil
}

func TestCaptureThenReplay(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, nil, dir)
	h.add(Trigger{Name: "stream", Topic: "S", BatchCount: 2})
	h.add(Trigger{Name: "driven", Topic: "D", Mode: ModeEventDriven})
	first := true
	h.rec.setDecide(func(*call) (Outcome, error) {
		if first {
			first = false
			return Outcome{Failed: true, Reason: "cold start"}, nil
		}
		return Outcome{}, nil
	})
	for _, b := range []string{"s1", "s2", "s3"} {
		h.publish(messageOn("S", b))
	}
	for _, b := range []string{"d1", "d2"} {
		h.publish(messageOn("D", b))
	}
	h.settle(20)
	calls := h.rec.got()
	if len(calls) != 5 {
		t.Fatalf("%d invocations, want 5 (one retried)", len(calls))
	}
	order := map[string]int{}
	for i, c := range calls {
		order[c.requestID] = i
	}
	checkSidecars(t, dir, order, calls)

	var sink replaySink
	results, err := Replay(ctx, &sink, dir)
	if err != nil || len(results) != len(calls) {
		t.Fatalf("Replay: %d results, %v", len(results), err)
	}
	last := map[string]int{}
	for i, r := range results {
		c, ok := order[r.RequestID]
		if !ok || r.Err != nil || r.Outcome.Failed {
			t.Fatalf("result %+v: not a captured invocation", r)
		}
		if !bytes.Equal(sink.payloads[i], calls[c].payload) {
			t.Errorf("%s replayed other bytes than were delivered", r.Path)
		}
		trig := filepath.Base(filepath.Dir(r.Path))
		if prev, seen := last[trig]; seen && prev > c {
			t.Errorf("%s replayed out of invocation order", r.Path)
		}
		last[trig] = c
	}

	var again replaySink
	Replay(ctx, &again, dir)
	if strings.Join(again.ids, ",") != strings.Join(sink.ids, ",") {
		t.Errorf("a second replay used other request IDs or another order")
	}
}

// checkSidecars checks the .meta.json of every captured payload.
func checkSidecars(t *testing.T, dir string, order map[string]int, calls []call) {
	t.Helper()
	metas, _ := filepath.Glob(filepath.Join(dir, "*", "*.meta.json"))
	if len(metas) != len(calls) {
		t.Fatalf("%d sidecars, want %d", len(metas), len(calls))
	}
	failed := 0
	for _, path := range metas {
		raw, _ := os.ReadFile(path)
		var m CaptureMeta
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		c, ok := order[m.RequestID]
		if !ok || m.Trigger != filepath.Base(filepath.Dir(path)) || m.Function != "fn" ||
			!strings.HasSuffix(path, m.RequestID+".meta.json") || m.Failed == calls[c].ok() {
			t.Errorf("sidecar %s: %+v", path, m)
		}
		if m.Failed {
			failed++
			if m.Attempt != 1 || m.Reason != "cold start" {
				t.Errorf("failed sidecar %+v", m)
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d failed sidecars, want 1", failed)
	}
}

func TestReplayFilesAndErrors(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "sample.json")
	os.WriteFile(plain, []byte(`{"data":{"body":"x"}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "sample.meta.json"), []byte(`{}`), 0o644)
	var a, b replaySink
	r1, err := Replay(ctx, &a, plain)
	r2, _ := Replay(ctx, &b, dir)
	if err != nil || len(r1) != 1 || len(r2) != 1 {
		t.Fatalf("results %v and %v, %v; want one payload each (sidecars skipped)", r1, r2, err)
	}
	if !strings.HasPrefix(r1[0].RequestID, "replay-") || r1[0].RequestID != r2[0].RequestID {
		t.Errorf("request IDs %q and %q, want one derived from the file", r1[0].RequestID, r2[0].RequestID)
	}
	if _, err := Replay(ctx, &a, filepath.Join(dir, "missing")); err == nil {
		t.Error("Replay of a missing path succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if res, err := Replay(cancelled, &a, dir); err == nil || len(res) != 0 {
		t.Errorf("Replay with an ended context: %v, %v", res, err)
	}
}
