package eventbridge

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// captureLayout names capture files by time, so that they sort in the
// order of the invocations.
const captureLayout = "20060102T150405.000000000Z"

// CaptureMeta is the sidecar of a captured payload, the .meta.json
// written beside it: which trigger and request delivered it, the attempt,
// its events and messages, and how the invocation ended.
type CaptureMeta struct {
	Trigger    string   `json:"trigger"`
	Function   string   `json:"function"`
	RequestID  string   `json:"requestId"`
	Attempt    int      `json:"attempt"`
	EventIDs   []string `json:"eventIds"`
	MessageIDs []string `json:"messageIds"`
	Time       string   `json:"time"`
	DurationMs float64  `json:"durationMs"`
	Failed     bool     `json:"failed"`
	Reason     string   `json:"reason,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// capture writes an invocation's payload to
// <Capture>/<trigger>/<time>-<requestID>.json and its sidecar to the same
// name ending .meta.json. Failures are logged, never fatal.
func (b *Bridge) capture(t *trigger, a *attempt) {
	if b.captures == "" {
		return
	}
	dir := filepath.Join(b.captures, t.cfg.Name)
	base := filepath.Join(dir, b.captureTime(a.rec.Start).UTC().Format(captureLayout)+"-"+a.rec.RequestID)
	r := a.rec
	meta, err := json.MarshalIndent(CaptureMeta{
		Trigger: r.Trigger, Function: r.Function, RequestID: r.RequestID, Attempt: r.Attempt,
		EventIDs: r.EventIDs, MessageIDs: r.MessageIDs, Time: r.Start.UTC().Format(time.RFC3339Nano),
		DurationMs: float64(r.Duration.Microseconds()) / 1000,
		Failed:     r.Outcome.Failed, Reason: r.Outcome.Reason, Error: r.Err,
	}, "", "  ")
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(base+".json", a.payload, 0o644)
	}
	if err == nil {
		err = os.WriteFile(base+".meta.json", append(meta, '\n'), 0o644)
	}
	if err != nil {
		b.log.Warn("eventbridge: capturing a payload", "trigger", t.cfg.Name, "request", r.RequestID, "err", err)
	}
}

// captureTime is at, or just after the previous capture time when at is
// not later, so that file names sort in invocation order even with a
// clock that stands still.
func (b *Bridge) captureTime(at time.Time) time.Time {
	b.capMu.Lock()
	defer b.capMu.Unlock()
	if !at.After(b.capLast) {
		at = b.capLast.Add(time.Nanosecond)
	}
	b.capLast = at
	return at
}
