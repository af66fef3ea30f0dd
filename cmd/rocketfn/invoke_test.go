package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/rpc/jsonrpc"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// invokeFile is the s.yaml of the invoke tests: the function greet of
// testdata/invoke/fn, whose trigger takes tags hello||bye of topic
// greetings in event-driven mode.
const invokeFile = "testdata/invoke/s.yaml"

// greetReply is what greet answers for a message.
type greetReply struct {
	Topic     string            `json:"topic"`
	Tag       string            `json:"tag"`
	Body      string            `json:"body"`
	RequestID string            `json:"requestId"`
	Env       map[string]string `json:"env"`
}

// runInvokeCLI runs invoke with args and stdin and returns what it printed
// and its exit status.
func runInvokeCLI(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := invoke(t.Context(), args, stdin, &out, &errOut)
	code = exitStatus("invoke", err, &errOut)
	return out.String(), errOut.String(), code
}

// TestInvokeGenerated invokes greet with payloads generated as its trigger
// delivers them: the trigger's topic, first tag and mode, then flags that
// override them.
func TestInvokeGenerated(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runInvokeCLI(t, nil, "greet", "--file", invokeFile, "--body", "hi", "--request-id", "r-gen-1")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var r greetReply
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stdout is not one reply: %v\n%s", err, stdout)
	}
	if r.Topic != "greetings" || r.Tag != "hello" || r.Body != "hi" || r.RequestID != "r-gen-1" {
		t.Errorf("reply %+v, want topic greetings, tag hello, body hi, request r-gen-1", r)
	}
	if r.Env["GREETING"] != "hello" || r.Env["ROCKETFN_LOCAL"] != "true" || r.Env["TABLESTORE_ENDPOINT"] == "" || r.Env["FC_TIMEOUT"] != "5" {
		t.Errorf("the function's environment lacks s.yaml's or the local stack's variables: %v", r.Env)
	}
	if !strings.HasPrefix(stdout, "{\n  \"topic\"") {
		t.Errorf("stdout is not indented JSON:\n%s", stdout)
	}
	for _, want := range []string{"FC Invoke Start RequestId: r-gen-1", "greet: handling hi", "FC Invoke End RequestId: r-gen-1", "request r-gen-1: ok in "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	stdout, stderr, code = runInvokeCLI(t, nil, "greet", "--file", invokeFile, "--body", "yo", "--tag", "bye", "--mode", "event-streaming", "--count", "2")
	if code != 0 {
		t.Fatalf("batch: exit %d\n%s", code, stderr)
	}
	var batch []greetReply
	if err := json.Unmarshal([]byte(stdout), &batch); err != nil || len(batch) != 2 || batch[0].Tag != "bye" || batch[1].Body != "yo" {
		t.Errorf("batch of two with tag bye: got %+v (%v)\n%s", batch, err, stdout)
	}
}

// TestInvokeFailures checks that a failed and a crashed invocation print
// the failure as JSON with the function's logs, and exit 1.
func TestInvokeFailures(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body, errorType string
		status          int
	}{
		{"fail", "Unhandled", 404},
		{"crash", "Crashed", 0},
	} {
		t.Run(c.body, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runInvokeCLI(t, nil, "greet", "--file", invokeFile, "--body", c.body)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			var got struct {
				ErrorType string `json:"errorType"`
				Status    int    `json:"status"`
				Response  struct {
					Failures []struct {
						Error string `json:"error"`
					} `json:"failures"`
				} `json:"response"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			if got.ErrorType != c.errorType || got.Status != c.status {
				t.Errorf("failure %+v, want type %s, status %d", got, c.errorType, c.status)
			}
			if c.body == "fail" && (len(got.Response.Failures) != 1 || got.Response.Failures[0].Error != "failing on purpose") {
				t.Errorf("the answer does not carry the message's error:\n%s", stdout)
			}
			for _, want := range []string{"greet: handling " + c.body, "failed (" + c.errorType + ") in "} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestInvokeEventFiles delivers payloads as they are: from standard input
// (generate-event's output, as in a pipe) and from a file.
func TestInvokeEventFiles(t *testing.T) {
	t.Parallel()
	var payload bytes.Buffer
	if err := generateEvent([]string{"--topic", "greetings", "--tag", "bye", "--body", "from stdin", "--mode", "event-driven"},
		&payload, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runInvokeCLI(t, &payload, "greet", "--event", "-", "--file", invokeFile)
	var r greetReply
	if err := json.Unmarshal([]byte(stdout), &r); code != 0 || err != nil || r.Body != "from stdin" || r.Tag != "bye" {
		t.Fatalf("stdin: exit %d, reply %+v (%v)\n%s%s", code, r, err, stdout, stderr)
	}

	// fcinvoker's test function answers the body it was sent.
	stdout, stderr, code = runInvokeCLI(t, nil, "jobs", "--event", "testdata/payloads/01-ok.json", "--file", "testdata/replay.yaml")
	if err := json.Unmarshal([]byte(stdout), &r); code != 0 || err != nil || r.Body != "ok" {
		t.Fatalf("file: exit %d, reply %+v (%v)\n%s%s", code, r, err, stdout, stderr)
	}
}

func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	emptyFile := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(emptyFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	greet := []string{"greet", "--file", invokeFile}
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		{[]string{"--body", "x"}, "", 2, "name the FUNCTION"},
		{[]string{"greet", "other", "--body", "x"}, "", 2, `unexpected argument "other"`},
		{greet, "", 2, "name the payload: --event FILE"},
		{append(greet, "--event", "x.json", "--body", "x", "--tag", "t"), "", 2, "--tag, --body generate one"},
		{append(greet, "--event", "x.json", "--trigger", "t"), "", 2, "--trigger generate one"},
		{append(greet, "--body", "x", "--debug-port", "1"), "", 2, "--debug-port applies to --debug only"},
		{append(greet, "--body", "x", "--debug", "--debug-port", "70000"), "", 2, "--debug-port 70000"},
		{append(greet, "--body", "x", "--log-level", "loud"), "", 2, "--log-level"},
		{append(greet, "--body", "x", "--mode", "fast"), "", 2, `--mode "fast"`},
		{append(greet, "--body", "x", "--count", "2"), "", 2, "event-driven invocation carries one event"},
		{append(greet, "--body", "x", "--trigger", "nope"), "", 2, `--trigger "nope": function greet has no such RocketMQ trigger (it has greet-rocketmq)`},
		{[]string{"nope", "--file", invokeFile, "--body", "x"}, "", 1, `has no function "nope" (it has greet)`},
		{[]string{"greet", "--file", "testdata/missing.yaml", "--body", "x"}, "", 1, "no such file"},
		{append(greet, "--event", "-"), "", 1, "the payload in standard input is empty"},
		{append(greet, "--event", emptyFile), "", 1, "is empty"},
		{append(greet, "--event", "testdata/missing.json"), "", 1, "read the payload"},
		{[]string{"--bogus"}, "", 2, "flag provided but not defined"},
	} {
		_, stderr, code := runInvokeCLI(t, strings.NewReader(c.stdin), c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

func TestInvokeHelp(t *testing.T) {
	t.Parallel()
	_, stderr, code := runInvokeCLI(t, nil, "-h")
	if code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	flags := regexp.MustCompile(`(?m)^  --([a-z-]+)`).FindAllStringSubmatch(stderr, -1)
	if len(flags) != 7+len(sampleFlagNames) {
		t.Errorf("help lists %d flags, want %d:\n%s", len(flags), 7+len(sampleFlagNames), stderr)
	}
	for _, m := range flags {
		if !strings.Contains(stderr, "example: --"+m[1]) {
			t.Errorf("help has no example for --%s", m[1])
		}
	}
	for _, want := range []string{delvePackage + "@" + delveVersion, "-gcflags=all=-N -l", "rocketfn invoke greet --body"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestInvokeDebug runs greet under Delve (installed when missing): it
// attaches to the address invoke announces over Delve's JSON-RPC API,
// stops the function at a breakpoint in its handler while the invocation
// waits, continues, and gets the answer. The function's environment is
// the one it has without --debug, but for the lifted timeout.
func TestInvokeDebug(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the function for Delve and runs it under it")
	}
	t.Parallel()
	if _, err := findDelve(t.Context(), io.Discard); err != nil {
		t.Fatalf("Delve is needed: %v", err)
	}
	stderr := &announceWriter{addr: make(chan string, 1)}
	var stdout bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- invoke(ctx, []string{"greet", "--file", invokeFile, "--body", "hi", "--debug", "--debug-port", "0"}, nil, &stdout, stderr)
	}()
	var addr string
	select {
	case addr = <-stderr.addr:
	case err := <-done:
		t.Fatalf("invoke ended before Delve listened: %v\n%s", err, stderr)
	}
	client, err := jsonrpc.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var bp struct{ Breakpoint struct{ File string } }
	if err := client.Call("RPCServer.CreateBreakpoint", map[string]any{"Breakpoint": map[string]string{"functionName": "main.handle"}}, &bp); err != nil {
		t.Fatalf("CreateBreakpoint main.handle: %v", err)
	}
	var stopped delveState
	if err := client.Call("RPCServer.Command", map[string]string{"name": "continue"}, &stopped); err != nil {
		t.Fatalf("continue: %v", err)
	}
	if f := stopped.function(); f != "main.handle" {
		t.Fatalf("stopped in %q, want the breakpoint in main.handle; %s", f, stderr)
	}
	client.Go("RPCServer.Command", map[string]string{"name": "continue"}, new(delveState), nil)
	if err := <-done; err != nil {
		t.Fatalf("invoke --debug: %v\n%s", err, stderr)
	}
	var debugged greetReply
	if err := json.Unmarshal(stdout.Bytes(), &debugged); err != nil || debugged.Body != "hi" || debugged.Env["FC_TIMEOUT"] != "3600" {
		t.Fatalf("reply %+v (%v), want body hi with FC_TIMEOUT 3600\n%s", debugged, err, stdout.String())
	}

	out, errOut, code := runInvokeCLI(t, nil, "greet", "--file", invokeFile, "--body", "hi")
	var plain greetReply
	if err := json.Unmarshal([]byte(out), &plain); code != 0 || err != nil {
		t.Fatalf("without --debug: exit %d (%v)\n%s", code, err, errOut)
	}
	if got, want := slices.Sorted(maps.Keys(debugged.Env)), slices.Sorted(maps.Keys(plain.Env)); !slices.Equal(got, want) {
		t.Errorf("variables under Delve %q, without %q", got, want)
	}
	for _, k := range []string{"GREETING", "ROCKETFN_LOCAL", "ROCKETFN_HOST", "TABLESTORE_INSTANCE", "FC_FUNCTION_NAME", "FC_FUNCTION_HANDLER",
		"FC_FUNCTION_MEMORY_SIZE", "FC_REGION", "FC_ACCOUNT_ID", "FC_RUNTIME", "FC_FUNC_CODE_PATH"} {
		if debugged.Env[k] != plain.Env[k] {
			t.Errorf("%s is %q under Delve, %q without", k, debugged.Env[k], plain.Env[k])
		}
	}
}

// TestFindDelveInstalls installs Delve at the pinned version into an
// empty GOBIN when PATH has none.
func TestFindDelveInstalls(t *testing.T) {
	if testing.Short() {
		t.Skip("go install of Delve")
	}
	gobin := t.TempDir()
	var path []string // PATH without the directories that hold a dlv
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "dlv")); err != nil {
			path = append(path, dir)
		}
	}
	t.Setenv("PATH", strings.Join(path, string(filepath.ListSeparator)))
	t.Setenv("GOBIN", gobin)
	var out bytes.Buffer
	dlv, err := findDelve(t.Context(), &out)
	if err != nil {
		t.Fatalf("findDelve: %v\n%s", err, out.String())
	}
	if dlv != filepath.Join(gobin, "dlv") || !strings.Contains(out.String(), "installing it with go install "+delvePackage+"@"+delveVersion) {
		t.Fatalf("findDelve = %s, printed %q", dlv, out.String())
	}
	version, err := exec.Command(dlv, "version").Output()
	if err != nil || !strings.Contains(string(version), "Version: "+strings.TrimPrefix(delveVersion, "v")) {
		t.Errorf("dlv version: %v\n%s", err, version)
	}
	if again, err := findDelve(t.Context(), &out); err != nil || again != dlv || strings.Count(out.String(), "installing") != 1 {
		t.Errorf("second findDelve = %s, %v; printed %q", again, err, out.String())
	}
}

// delveState is the part of Delve's CommandOut the test reads.
type delveState struct {
	State struct {
		CurrentThread *struct {
			Function *struct {
				Name string `json:"name"`
			} `json:"function"`
		} `json:"currentThread"`
	}
}

func (s delveState) function() string {
	if t := s.State.CurrentThread; t != nil && t.Function != nil {
		return t.Function.Name
	}
	return ""
}

// announceRE matches the line invoke --debug prints once Delve listens.
var announceRE = regexp.MustCompile(`Delve is debugging greet on (127\.0\.0\.1:\d+)`)

// announceWriter keeps what is written to it, from any goroutine, and
// sends the address of the first announcement on addr.
type announceWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

func (w *announceWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := announceRE.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.addr <- m[1]
	}
	return len(p), nil
}

func (w *announceWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
