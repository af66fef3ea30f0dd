package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestLogPayload(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(`[{"id":"e1"}]`))
	for _, c := range []struct {
		line, want string
		ok, err    bool
	}{
		{line: "FC Invoke Start RequestId: r1"},
		{line: `2026-01-05T08:00:00Z r1 [INFO] rocketfn-capture: {"id":"e1","data":{"body":"x y"}}`, want: `{"id":"e1","data":{"body":"x y"}}`, ok: true},
		{line: `rocketfn-capture:   [{"id":"e1"}]   trailing words`, want: `[{"id":"e1"}]`, ok: true},
		{line: `time=2026-01-05T08:00:00Z level=INFO msg="rocketfn-capture: ` + b64 + `"`, want: `[{"id":"e1"}]`, ok: true},
		{line: "rocketfn-capture: " + b64 + "\r", want: `[{"id":"e1"}]`, ok: true},
		{line: `rocketfn-capture: {"id":`, ok: true, err: true},
		{line: "rocketfn-capture: bm90IGpzb24=", ok: true, err: true}, // base64 of "not json"
		{line: "rocketfn-capture: abc", ok: true, err: true},
		{line: "rocketfn-capture:", ok: true, err: true},
	} {
		got, ok, err := logPayload(c.line)
		if ok != c.ok || (err != nil) != c.err || (!c.err && string(got) != c.want) {
			t.Errorf("logPayload(%q) = %q, %v, %v; want %q, %v, error %v", c.line, got, ok, err, c.want, c.ok, c.err)
		}
	}
}

func TestPayloadsFromLog(t *testing.T) {
	payloads, problems, err := payloadsFromLog("testdata/function.log")
	if err != nil {
		t.Fatal(err)
	}
	if len(payloads) != 2 || payloads[0].source != "testdata/function.log:2" || payloads[1].source != "testdata/function.log:5" {
		t.Errorf("payloads = %+v, want those of lines 2 and 5", payloads)
	}
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "testdata/function.log:6: JSON payload") {
		t.Errorf("problems = %q, want line 6's truncated JSON", problems)
	}
}
