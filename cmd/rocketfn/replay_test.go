package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// replayArgs run the replays of the tests against fcinvoker's test
// function, which fails on the body "fail" and exits on "crash".
var replayArgs = []string{"--function", "jobs", "--file", "testdata/replay.yaml"}

// TestReplayOutcomes replays a directory of payloads that succeed, fail
// and crash the function: the table shows each outcome in path order, the
// payload after the crash runs on a new instance, progress goes to stderr
// and the command fails.
func TestReplayOutcomes(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	err := replay(t.Context(), append([]string{"testdata/payloads", "--progress", "2"}, replayArgs...), nil, &stdout, &stderr)
	if code := exitStatus("replay", err, &stderr); code != 1 {
		t.Fatalf("exit %d (err %v), want 1\n%s", code, err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"PAYLOAD", "testdata/payloads/01-ok.json", "4 payloads: 2 ok, 2 failed",
		"failed  ", "Unhandled: ", "failing on purpose", "Crashed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	table, details, _ := strings.Cut(out, "4 payloads: 2 ok, 2 failed\n")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines, want header and 4 payloads, then the summary:\n%s", len(lines), out)
	}
	// After the table: each payload's answer, the failures' whole reasons,
	// as indented JSON.
	for _, want := range []string{
		"testdata/payloads/01-ok.json (", "\n    \"body\": \"ok\"", "testdata/payloads/02-fail.json (", "failing on purpose",
		"testdata/payloads/03-crash.json (", "testdata/payloads/04-ok.json (",
	} {
		if !strings.Contains(details, want) {
			t.Errorf("details lack %q:\n%s", want, details)
		}
	}
	for i, want := range []string{"01-ok.json ok", "02-fail.json failed", "03-crash.json failed", "04-ok.json ok"} {
		name, result, _ := strings.Cut(want, " ")
		if f := strings.Fields(lines[i+1]); f[0] != filepath.Join("testdata/payloads", name) || f[2] != result {
			t.Errorf("line %d = %q, want %s %s", i+1, lines[i+1], name, result)
		}
	}
	for _, want := range []string{"replayed 2/4 payloads, 1 failed", "replayed 4/4 payloads, 2 failed", "rocketfn replay: 2 of 4 payloads failed"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestReplayCapturedFixtures turns a capture directory into fixtures and
// replays them and one more file, named between the flags, as JSON.
func TestReplayCapturedFixtures(t *testing.T) {
	t.Parallel()
	fixtures := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := capture([]string{"--from", "testdata/captured", "--out", fixtures}, &stdout, &stderr); err != nil {
		t.Fatalf("capture: %v (%s)", err, stderr.String())
	}
	stdout.Reset()
	args := append([]string{fixtures, "--json", "testdata/payloads/04-ok.json"}, replayArgs...)
	if err := replay(t.Context(), args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("replay: %v\n%s", err, stderr.String())
	}
	var rep replayReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout.String())
	}
	if rep.OK != 3 || rep.Failed != 0 || len(rep.Payloads) != 3 {
		t.Fatalf("report = %+v", rep)
	}
	var paths []string
	for _, p := range rep.Payloads {
		paths = append(paths, filepath.Base(p.Path))
		if !p.OK || !strings.HasPrefix(p.RequestID, "replay-") || p.DurationMs <= 0 {
			t.Errorf("payload %+v", p)
		}
	}
	if !strings.HasPrefix(paths[0], "0001-") || !strings.HasPrefix(paths[1], "0002-") || paths[2] != "04-ok.json" {
		t.Errorf("replayed %q, want the two fixtures in order, then 04-ok.json", paths)
	}
	if strings.Contains(stderr.String(), "replayed") {
		t.Errorf("progress for a short run:\n%s", stderr.String())
	}
}

func TestReplayErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"testdata/payloads"}, 2, "--function is required"},
		{[]string{"--function", "jobs"}, 2, "name the payload files"},
		{[]string{"x", "--function", "jobs", "--progress", "-1"}, 2, "negative"},
		{[]string{"x", "--function", "jobs", "--log-level", "error"}, 2, "--log-level"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{append([]string{"testdata/nope"}, replayArgs...), 1, "no such file"},
		{append([]string{"testdata"}, "--function", "nope", "--file", "testdata/replay.yaml"), 1, `has no function "nope" (it has jobs)`},
	} {
		var stdout, stderr bytes.Buffer
		err := replay(t.Context(), c.args, nil, &stdout, &stderr)
		if code := exitStatus("replay", err, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
}

func TestReplayHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := exitStatus("replay", replay(t.Context(), []string{"-h"}, nil, &stdout, &stderr), &stderr); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	for _, name := range []string{"function", "file", "json", "progress", "log-level"} {
		if !strings.Contains(stderr.String(), "example: --"+name) {
			t.Errorf("help has no example for --%s", name)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	name := fs.String("name", "", "")
	got, err := parseInterspersed(fs, []string{"a", "--json", "b", "--name", "n", "c", "--", "--d", "e"})
	if err != nil || !*asJSON || *name != "n" || !slices.Equal(got, []string{"a", "b", "c", "--d", "e"}) {
		t.Errorf("got %q, json %v, name %q, %v", got, *asJSON, *name, err)
	}
}

// TestReplayStdin replays one payload piped in as -, and refuses an empty
// standard input with the next step.
func TestReplayStdin(t *testing.T) {
	t.Parallel()
	payload, err := os.ReadFile("testdata/payloads/01-ok.json")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := replay(t.Context(), append([]string{"-", "--json"}, replayArgs...), bytes.NewReader(payload), &stdout, &stderr); err != nil {
		t.Fatalf("replay -: %v\n%s", err, stderr.String())
	}
	var rep replayReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.OK != 1 || len(rep.Payloads) != 1 {
		t.Fatalf("report %s (%v), want one ok payload", stdout.String(), err)
	}
	var answer struct{ Body string }
	if err := json.Unmarshal(rep.Payloads[0].Response, &answer); err != nil || answer.Body != "ok" {
		t.Errorf("response %s (%v), want the function's answer", rep.Payloads[0].Response, err)
	}
	if _, err := os.Stat(rep.Payloads[0].Path); !os.IsNotExist(err) {
		t.Errorf("the payload's temporary file %s is left behind (%v)", rep.Payloads[0].Path, err)
	}
	err = replay(t.Context(), append([]string{"-"}, replayArgs...), strings.NewReader(" \n"), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "standard input (-) is empty") {
		t.Errorf("replay - with nothing piped in: %v", err)
	}
}
