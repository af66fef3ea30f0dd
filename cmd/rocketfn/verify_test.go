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

	rocketfn "github.com/rocketfn/rocketfn/runtime/fn"
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

// checkMarkedFindings runs verify on the fixture file with args and
// checks its findings: a finding of the marked severity at each marked
// line, none elsewhere, and errors errors. It returns the output.
func checkMarkedFindings(t *testing.T, file string, errors int, args ...string) string {
	t.Helper()
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
	err = verify(append([]string{"--file", file}, args...), &out, &out)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d error(s)", errors)) {
		t.Errorf("verify: %v, want %d errors", err, errors)
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
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("output:\n%s", out.String())
		}
	})
	return out.String()
}

// TestVerifyMismatch checks the findings on a fixture built to fail.
// Among them, the batch handler behind an event-driven trigger, named by
// where the function registered it, as its routes report says.
func TestVerifyMismatch(t *testing.T) {
	out := checkMarkedFindings(t, filepath.Join("testdata", "verify", "mismatch", "s.yaml"), 4)
	if !regexp.MustCompile(`: error: .*event-driven, one event per invocation, but the function has a batch handler \(HandleBatch at testdata/verify/mismatch/audit/main.go:14\)`).
		MatchString(out) {
		t.Errorf("the mismatch finding does not name the handler:\n%s", out)
	}
}

// TestVerifyRoutes checks s.yaml against routes only running the
// functions tells: registered in a loop, through a method value, with a
// handler type of the function's own, and on a topic from an environment
// variable s.yaml sets. A tag and a topic without a route are errors, a
// route without a trigger a warning, the batch handler behind an
// event-driven trigger an error; a function that serves instead of
// reporting (as one built with an older runtime does) and one whose main
// fails first are errors that name the function and what to do.
func TestVerifyRoutes(t *testing.T) {
	out := checkMarkedFindings(t, filepath.Join("testdata", "verify", "routes", "s.yaml"), 5, "--routes-timeout", "3s")
	for _, want := range []string{
		`the route for topic ledger-audit (HandleBatch at testdata/verify/routes/ledger/main.go:26) gets no messages`,
		`trigger ledger-rocketmq delivers tag "refunded" of topic ledger, but no route takes it`,
		`the routes of the topic: topic ledger tags created, topic ledger tags paid`,
		`but the function has a batch handler (HandleBatch at testdata/verify/routes/ledger/main.go:24)`,
		`trigger payments-rocketmq delivers topic payments, but no route of the function takes it`,
		`function stale did not report its routes: started with ROCKETFN_ROUTES=1, it was still running after 3s`,
		`go get github.com/rocketfn/rocketfn@latest`,
		`function broken did not report its routes: started with ROCKETFN_ROUTES=1, it ended (exit status 1) before printing a routes report, writing: broken: BROKEN_DSN is not set`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no finding says %q", want)
		}
	}
}

// TestParseRoutesReport: the report is the last line of standard output
// that is one, whatever main printed before; a report of another format
// version, and output without a report, are errors that say so.
func TestParseRoutesReport(t *testing.T) {
	r, err := parseRoutesReport([]byte("starting\n{\"level\":\"info\"}\n" +
		`{"rocketfnRoutes":1,"routes":[{"topic":"t","tags":"a||b","kind":"items","middleware":0}],"middleware":2,"concurrency":1}` + "\n"))
	if err != nil || len(r.Routes) != 1 || r.Routes[0].Kind != rocketfn.KindItems || r.Routes[0].Tags != "a||b" || r.Middleware != 2 {
		t.Errorf("parseRoutesReport = %+v, %v", r, err)
	}
	for _, c := range []struct{ stdout, want string }{
		{"", "standard output is empty"},
		{"listening on :9000\n", "no line of its standard output is a routes report (it printed listening on :9000)"},
		{`{"rocketfnRoutes":2,"routes":[]}`, "format version 2, and this rocketfn reads version 1"},
		{`{"rocketfnRoutes":1,"routes":{}}`, "does not decode"},
	} {
		if _, err := parseRoutesReport([]byte(c.stdout)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseRoutesReport(%q) = %v, want an error saying %q", c.stdout, err, c.want)
		}
	}
}

// TestRoutesEnv: a function asked for its routes gets its own variables
// and the request, and none of the variables that would make it serve a
// platform or the local stack.
func TestRoutesEnv(t *testing.T) {
	env := routesEnv([]string{"HOME=/h", "FC_RUNTIME_API=127.0.0.1:9001", "AWS_LAMBDA_RUNTIME_API=x", "ROCKETFN_LOCAL=true", "PORT=80", "ROCKETFN_ROUTES=0"},
		map[string]string{"B": "2", "A": "1", "FC_CUSTOM_LISTEN_PORT": "9000"})
	want := []string{"HOME=/h", "A=1", "B=2", "ROCKETFN_ROUTES=1", "ROCKETFN_HOST=127.0.0.1", "FC_CUSTOM_LISTEN_PORT=0"}
	if !slices.Equal(env, want) {
		t.Errorf("routesEnv = %q, want %q", env, want)
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

// TestRouteName: findings name each kind of route by the call that made it.
func TestRouteName(t *testing.T) {
	for kind, want := range map[rocketfn.HandlerKind]string{
		rocketfn.KindBatch: "HandleBatch", rocketfn.KindItems: "HandleBatch(TypedItems)", rocketfn.KindRaw: "HandleRaw", rocketfn.KindRows: "HandleRows",
	} {
		if got := routeName(rocketfn.RouteInfo{Kind: kind}); got != want {
			t.Errorf("routeName(%s) = %q, want %q", kind, got, want)
		}
	}
}
