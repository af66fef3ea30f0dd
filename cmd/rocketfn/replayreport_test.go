package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
)

var reportResults = []eventbridge.ReplayResult{
	{Path: "a.json", RequestID: "r1", Duration: 1500 * time.Microsecond},
	{Path: "b.json", RequestID: "r2", Duration: time.Second, Outcome: eventbridge.Outcome{Failed: true,
		Reason: "Unhandled: " + strings.Repeat("x", 200) + "\nsecond line"}},
	{Path: "c.json", Err: errors.New("open c.json: permission denied")},
}

func TestReplayTable(t *testing.T) {
	var buf bytes.Buffer
	writeReplayTable(&buf, reportResults)
	lines := strings.Split(buf.String(), "\n")
	if !strings.HasPrefix(lines[1], "a.json") || !strings.Contains(lines[1], " ok ") || !strings.Contains(lines[1], "1.5ms") {
		t.Errorf("ok line %q", lines[1])
	}
	if !strings.Contains(lines[2], "failed") || !strings.HasSuffix(lines[2], "xxx...") || strings.Contains(buf.String(), "second line") {
		t.Errorf("failed line %q: want the reason's first line, cut", lines[2])
	}
	if !strings.HasSuffix(lines[3], "open c.json: permission denied") {
		t.Errorf("error line %q", lines[3])
	}
	if !strings.Contains(buf.String(), "3 payloads: 1 ok, 2 failed") || countFailed(reportResults) != 2 {
		t.Errorf("summary:\n%s", buf.String())
	}
}

func TestReplayJSONReport(t *testing.T) {
	var buf bytes.Buffer
	writeReplayJSON(&buf, reportResults)
	var rep replayReport
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.OK != 1 || rep.Failed != 2 || rep.Payloads[0].DurationMs != 1.5 || !strings.HasSuffix(rep.Payloads[1].Reason, "second line") {
		t.Errorf("report = %+v", rep)
	}
	buf.Reset()
	writeReplayJSON(&buf, nil)
	if !strings.Contains(buf.String(), `"payloads": []`) {
		t.Errorf("empty report %s", buf.String())
	}
}
