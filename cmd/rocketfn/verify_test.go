package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestVerifyRepositorySYAML checks that the repository's s.yaml has no
// errors: its warnings are the ${config(...)} references only Serverless
// Devs resolves.
func TestVerifyRepositorySYAML(t *testing.T) {
	var out bytes.Buffer
	if err := verify([]string{"--file", filepath.Join(repoRoot, "s.yaml")}, &out, &out); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	for line := range strings.Lines(out.String()) {
		if strings.Contains(line, ": warning: ") && !strings.Contains(line, "${config('AccountID')}") {
			t.Errorf("unexpected warning: %s", line)
		}
	}
}

// wantMarker marks a line of a fixture where verify must report a finding.
var wantMarker = regexp.MustCompile(`# want (error|warning):`)

// TestVerifyMismatch checks the findings on a fixture built to fail: a
// finding of the marked severity at each marked line, none elsewhere.
// Among them, the batch handler behind an event-driven trigger.
func TestVerifyMismatch(t *testing.T) {
	file := filepath.Join("testdata", "verify", "mismatch", "s.yaml")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i, line := range strings.Split(string(src), "\n") {
		if m := wantMarker.FindStringSubmatch(line); m != nil {
			want[fmt.Sprintf("%d %s", i+1, m[1])] = true
		}
	}
	var out bytes.Buffer
	err = verify([]string{"--file", file}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "4 error(s)") {
		t.Errorf("verify: %v, want 4 errors", err)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var n int
		var sev string
		if _, err := fmt.Sscanf(strings.TrimPrefix(line, file+":"), "%d: %s", &n, &sev); err == nil {
			got[fmt.Sprintf("%d %s", n, strings.TrimSuffix(sev, ":"))] = true
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("no finding at line %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected finding at line %s", k)
		}
	}
	if !regexp.MustCompile(`: error: .*event-driven, one event per invocation, but the function has a batch handler \(\w+ at testdata/verify/mismatch/audit/main.go:14\)`).
		MatchString(out.String()) {
		t.Errorf("the mismatch finding does not name the handler:\n%s", out.String())
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}

// TestVerifyJSON checks the JSON form and the exit status it implies.
func TestVerifyJSON(t *testing.T) {
	var out bytes.Buffer
	file := filepath.Join("testdata", "verify", "mismatch", "s.yaml")
	err := verify([]string{"--file", file, "--json"}, &out, &out)
	var res struct {
		File             string
		Errors, Warnings int
		Findings         []finding
	}
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil {
		t.Fatalf("output is not JSON: %v\n%s", jerr, out.String())
	}
	if err == nil || res.Errors != 4 || res.Warnings != 5 || len(res.Findings) != 9 || res.File != file {
		t.Errorf("verify --json: %v, %+v", err, res)
	}
	lines := make([]int, len(res.Findings))
	for i, f := range res.Findings {
		lines[i] = f.Line
	}
	if !slices.IsSorted(lines) {
		t.Errorf("findings are not in line order: %v", lines)
	}
	if code := exitStatus("verify", err, &out); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
}

// TestVerifyUsage checks the flag errors and a missing file.
func TestVerifyUsage(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"--message-size", "-1"}, {"extra"}} {
		if code := exitStatus("verify", verify(args, &out, &out), &out); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if err := verify([]string{"--file", filepath.Join(t.TempDir(), "s.yaml")}, &out, &out); err == nil {
		t.Error("verify of a missing file succeeded")
	}
}

// The repository's s.yaml names the account five times: one warning says
// so, with the other lines and how to give the ID; with --account-id (or
// ROCKETFN_ACCOUNT_ID) there is none, and a malformed ID is refused.
func TestVerifyAccountID(t *testing.T) {
	file := filepath.Join(repoRoot, "s.yaml")
	var out bytes.Buffer
	if err := verify([]string{"--file", file}, &out, &out); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	var warnings []string
	for line := range strings.Lines(out.String()) {
		if strings.Contains(line, ": warning: ") {
			warnings = append(warnings, line)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "(also at lines ") || !strings.Contains(warnings[0], "set --account-id or ROCKETFN_ACCOUNT_ID") {
		t.Errorf("warnings without an account ID:\n%s", strings.Join(warnings, ""))
	}
	out.Reset()
	if err := verify([]string{"--file", file, "--account-id", "1234567890123456"}, &out, &out); err != nil {
		t.Fatalf("verify --account-id: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), ": warning: ") {
		t.Errorf("warnings with --account-id:\n%s", out.String())
	}
	t.Setenv("ROCKETFN_ACCOUNT_ID", "1234567890123456")
	out.Reset()
	if err := verify([]string{"--file", file}, &out, &out); err != nil || strings.Contains(out.String(), ": warning: ") {
		t.Errorf("verify with ROCKETFN_ACCOUNT_ID: %v\n%s", err, out.String())
	}
	if err := verify([]string{"--file", file, "--account-id", "acct-1"}, &out, &out); err == nil || !strings.Contains(err.Error(), "--account-id") {
		t.Errorf("verify --account-id acct-1 = %v, want an error naming the flag", err)
	}
}
