package main

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"strings"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
)

// A delivery is one invocation that carried a captured payload: the first
// one, or a retry of it.
type delivery struct {
	Source    string `json:"source"`
	RequestID string `json:"requestId,omitempty"`
	Attempt   int    `json:"attempt,omitempty"`
	Time      string `json:"time,omitempty"`
	Failed    bool   `json:"failed,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Error     string `json:"error,omitempty"`
}

// captureSidecar is what a capture directory's .meta.json says about the
// payload beside it.
type captureSidecar = eventbridge.CaptureMeta

// fixtureMeta is the .meta.json written beside a fixture: the event it
// holds and every delivery of it that was captured.
type fixtureMeta struct {
	Trigger    string     `json:"trigger,omitempty"`
	Function   string     `json:"function,omitempty"`
	EventIDs   []string   `json:"eventIds,omitempty"`
	MessageIDs []string   `json:"messageIds,omitempty"`
	Deliveries []delivery `json:"deliveries"`
}

// readSidecar reads the sidecar of the payload file path, if it has one.
func readSidecar(path string) (*captureSidecar, error) {
	b, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".meta.json")
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m captureSidecar
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// identity is what makes two captured payloads the same event: their
// label and event IDs, as the sidecar lists them (a retry carries the
// same events), else their bytes.
func (p *capturedPayload) identity() string {
	if p.sidecar != nil && len(p.sidecar.EventIDs) > 0 {
		return p.label + "\x00" + strings.Join(p.sidecar.EventIDs, "\x00")
	}
	sum := sha256.Sum256(p.data)
	return p.label + "\x00" + string(sum[:])
}

// mergeDeliveries keeps one payload per event, the first captured, in
// the order of first capture, with every delivery of it in its metadata.
func mergeDeliveries(payloads []capturedPayload) []capturedPayload {
	var out []capturedPayload
	at := map[string]int{}
	for _, p := range payloads {
		d := delivery{Source: p.source}
		if s := p.sidecar; s != nil {
			d = delivery{Source: p.source, RequestID: s.RequestID, Attempt: s.Attempt, Time: s.Time, Failed: s.Failed, Reason: s.Reason, Error: s.Error}
		}
		key := p.identity()
		if i, ok := at[key]; ok {
			out[i].deliveries = append(out[i].deliveries, d)
			continue
		}
		at[key] = len(out)
		p.deliveries = []delivery{d}
		out = append(out, p)
	}
	return out
}

// meta returns the fixture metadata of p, or nil when there is nothing to
// say beyond the payload: one delivery, without a sidecar.
func (p *capturedPayload) meta() *fixtureMeta {
	if p.sidecar == nil && len(p.deliveries) < 2 {
		return nil
	}
	m := &fixtureMeta{Deliveries: p.deliveries}
	if s := p.sidecar; s != nil {
		m.Trigger, m.Function, m.EventIDs, m.MessageIDs = s.Trigger, s.Function, s.EventIDs, s.MessageIDs
	}
	return m
}

// failedDeliveries counts the deliveries that failed.
func failedDeliveries(ds []delivery) int {
	n := 0
	for _, d := range ds {
		if d.Failed {
			n++
		}
	}
	return n
}
