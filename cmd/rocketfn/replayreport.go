package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
)

// maxReasonWidth bounds the reason column of the replay table; --json
// gives reasons whole.
const maxReasonWidth = 120

// replayOutcome is one payload's outcome as --json prints it.
type replayOutcome struct {
	Path       string  `json:"path"`
	RequestID  string  `json:"requestId"`
	OK         bool    `json:"ok"`
	DurationMs float64 `json:"durationMs"`
	Reason     string  `json:"reason,omitempty"`
	// Response is the function's answer: as it is when it is JSON, else
	// as a JSON string.
	Response json.RawMessage `json:"response,omitempty"`
}

// replayReport is what --json prints.
type replayReport struct {
	Payloads []replayOutcome `json:"payloads"`
	OK       int             `json:"ok"`
	Failed   int             `json:"failed"`
}

// outcome summarises a replay result: whether it succeeded and, when not,
// why (the function's error, or why it could not be delivered).
func outcome(r eventbridge.ReplayResult) replayOutcome {
	o := replayOutcome{Path: r.Path, RequestID: r.RequestID, OK: r.Err == nil && !r.Outcome.Failed,
		DurationMs: float64(r.Duration.Microseconds()) / 1000}
	switch {
	case r.Err != nil:
		o.Reason = r.Err.Error()
	case r.Outcome.Failed:
		o.Reason = r.Outcome.Reason
	}
	if body := bytes.TrimSpace(r.Outcome.Response); len(body) > 0 {
		if json.Valid(body) {
			o.Response = body
		} else {
			o.Response, _ = json.Marshal(string(body))
		}
	}
	return o
}

// maxDetails is how many payloads' answers the table's details show; the
// failures are shown whatever their number.
const maxDetails = 20

// writeReplayDetails prints, after the table, each failure's whole reason
// and the function's answers (for runs of up to maxDetails payloads),
// indented when they are JSON.
func writeReplayDetails(w io.Writer, results []eventbridge.ReplayResult) {
	all := len(results) <= maxDetails
	for _, r := range results {
		o := outcome(r)
		if o.OK && (!all || len(o.Response) == 0) {
			continue
		}
		fmt.Fprintf(w, "\n%s (%s):\n", o.Path, o.RequestID)
		switch {
		case r.Err != nil:
			fmt.Fprintf(w, "  not delivered: %s\n", r.Err)
		case len(o.Response) > 0:
			fmt.Fprintln(w, indentJSON(o.Response))
		default:
			fmt.Fprintf(w, "  %s\n", o.Reason)
		}
	}
	if !all {
		fmt.Fprintf(w, "\n(answers of the %d successful payloads left out; --json has them all)\n", len(results)-countFailed(results))
	}
}

// indentJSON indents a JSON value by two spaces, and a JSON string holding
// JSON (an escaped error body) as that JSON.
func indentJSON(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil && json.Valid([]byte(s)) && strings.TrimSpace(s) != "" {
		v = json.RawMessage(s)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, v, "  ", "  "); err != nil {
		return "  " + string(v)
	}
	return "  " + b.String()
}

func countFailed(results []eventbridge.ReplayResult) int {
	n := 0
	for _, r := range results {
		if !outcome(r).OK {
			n++
		}
	}
	return n
}

// writeReplayJSON prints the outcomes as one JSON object.
func writeReplayJSON(w io.Writer, results []eventbridge.ReplayResult) {
	rep := replayReport{Payloads: []replayOutcome{}}
	for _, r := range results {
		o := outcome(r)
		rep.Payloads = append(rep.Payloads, o)
		if o.OK {
			rep.OK++
		} else {
			rep.Failed++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
}

// writeReplayTable prints one line per payload and a summary.
func writeReplayTable(w io.Writer, results []eventbridge.ReplayResult) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PAYLOAD\tREQUEST ID\tRESULT\tDURATION\tREASON")
	failed := 0
	for _, r := range results {
		o := outcome(r)
		result := "ok"
		if !o.OK {
			result = "failed"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Path, o.RequestID, result, r.Duration.Round(time.Millisecond/10), shortReason(o.Reason))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d payloads: %d ok, %d failed\n", len(results), len(results)-failed, failed)
}

// shortReason is the first line of a reason, cut to maxReasonWidth.
func shortReason(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.ReplaceAll(s, "\t", " ")
	if r := []rune(s); len(r) > maxReasonWidth {
		return string(r[:maxReasonWidth-3]) + "..."
	}
	return s
}
