package awslambda_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/awslambda"
	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// helperEnv marks the test binary started as a function process.
const helperEnv = "ROCKETFN_LAMBDA_HELPER"

// TestHelperLambdaProcess is the function process of TestLambdaRuntimeAPI
// and TestStartFallsBackToFC: it calls Start, which does not return. It
// does nothing unless one of those tests started it.
func TestHelperLambdaProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		return
	}
	awslambda.Start(helperApp())
}

// helperApp answers messages with what it knows of them and of the
// invocation, fails player 1002, and has no result for testTopic.
func helperApp() *fn.App {
	var initialized atomic.Bool
	app := fn.New(quiet(),
		fn.WithInitializer(func(context.Context) error { initialized.Store(true); return nil }),
		fn.WithPreStop(func(context.Context) error { fmt.Println("preStop ran"); return nil }))
	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p map[string]string) error {
		if p["id"] == "1002" {
			return errors.New("table busy")
		}
		return nil
	}))
	app.Handle("testTopic", "*", fn.Typed(func(context.Context, string) error { return nil }))
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) {
		inv, _ := fn.FromContext(ctx)
		return fmt.Sprintf("%s %s %s %s|%s %s %d|%s %s %s %s %s %d|initialized=%t",
			m.ID, m.Topic, m.Tag, m.Text(),
			inv.Platform, inv.RequestID, inv.Deadline.UnixMilli(),
			inv.Function.Name, inv.Function.Version, inv.Function.Qualifier, inv.Region, inv.AccountID, inv.Function.Memory,
			initialized.Load()), nil
	}))
	return app
}

// TestLambdaRuntimeAPI runs a function under aws-lambda-go's runtime loop,
// in a process of its own, against a fake Lambda runtime API.
func TestLambdaRuntimeAPI(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	rt := newFakeRuntime(lambdaAPI,
		fakeInvoke{"req-ok", string(fixture(t, "fc-trigger-single.json")), deadline},
		fakeInvoke{"req-fail", string(fixture(t, "players-batch.json")), deadline},
		fakeInvoke{"req-malformed", "not json", deadline},
		fakeInvoke{"req-null", string(fixture(t, "self-managed-rawdata.json")), deadline},
	)
	f := startFunction(t, "AWS_LAMBDA_RUNTIME_API="+serve(t, rt),
		"AWS_LAMBDA_FUNCTION_NAME=players", "AWS_LAMBDA_FUNCTION_VERSION=7", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256")
	f.expect(t, rt, []outcome{
		{"req-ok", "response", "application/octet-stream", fmt.Sprintf(
			`"94ebc15f-f0db-4bbe-acce-56fb72fb**** TopicName systemProperties.TAGS TEST|lambda req-ok %d|players 7 live eu-west-1 123456789012 256|initialized=true"`,
			deadline.UnixMilli())},
		{"req-fail", "error", "application/json",
			`{"errorMessage":"1 of 3 messages failed; first: table busy","errorType":"MessagesFailed"}`},
		{"req-malformed", "error", "application/json",
			`{"errorMessage":"decode payload: at byte 0: invalid literal, expected null","errorType":"MalformedPayload"}`},
		{"req-null", "response", "application/octet-stream", "null"},
	})
	f.stop(t)
}

// TestStartFallsBackToFC runs the same binary where AWS_LAMBDA_RUNTIME_API
// is not set: Start serves Function Compute's go1 runtime API instead.
func TestStartFallsBackToFC(t *testing.T) {
	deadline := time.Now().Add(time.Minute)
	rt := newFakeRuntime(fcGo1API,
		fakeInvoke{"req-ok", string(fixture(t, "fc-trigger-single.json")), deadline},
		fakeInvoke{"req-fail", string(fixture(t, "players-batch.json")), deadline},
	)
	f := startFunction(t, "FC_RUNTIME_API="+serve(t, rt))
	f.expect(t, rt, []outcome{
		{"req-ok", "response", "application/json", fmt.Sprintf(
			`"94ebc15f-f0db-4bbe-acce-56fb72fb**** TopicName systemProperties.TAGS TEST|fc-go1 req-ok %d|players  LATEST cn-hangzhou 164901546557 512|initialized=false"`,
			deadline.UnixMilli())},
		{"req-fail", "error", "application/json", `{"errorType":"MessagesFailed","errorMessage":"1 of 3 messages failed; first: table busy",` +
			`"requestId":"req-fail","failures":[{"messageId":"AC14C305069E1B28CDFA3181CDA20002","index":1,"topic":"players","tag":"register","error":"table busy"}]}`},
	})
}

// serve serves rt until the test ends and returns its address.
func serve(t *testing.T, rt *fakeRuntime) string {
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(rt.done) }) // before srv.Close, to release held requests
	return strings.TrimPrefix(srv.URL, "http://")
}

// function is a function process.
type function struct {
	cmd    *exec.Cmd
	lines  <-chan string // stdout
	stderr *lockedBuffer
}

// startFunction starts the test binary as a function process calling
// Start, with env added to its environment. The process is killed when the
// test ends.
func startFunction(t *testing.T, env ...string) *function {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLambdaProcess$")
	cmd.Env = append(append(withoutPlatformEnv(os.Environ()), helperEnv+"=1"), env...)
	f := &function{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = f.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		for range lines { // until stdout closes, before Wait closes the pipe
		}
		cmd.Wait()
	})
	f.lines = lines
	return f
}

// expect checks the outcomes the function posts to rt, in order.
// The outcomes may be posted in any order: a runtime loop can take the
// next invocation before it has posted the previous one's result.
func (f *function) expect(t *testing.T, rt *fakeRuntime, want []outcome) {
	t.Helper()
	got := map[string]outcome{}
	for range want {
		select {
		case o := <-rt.outcomes:
			got[o.id] = o
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d outcomes; function stderr:\n%s", len(got), len(want), f.stderr)
		}
	}
	for _, w := range want {
		if g := got[w.id]; g != w {
			t.Errorf("runtime API got %+v\nwant %+v", g, w)
		}
	}
}

// stop sends SIGTERM, as Lambda does at shutdown, and waits for the
// preStop hook to report on stdout.
func (f *function) stop(t *testing.T) {
	t.Helper()
	if err := f.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-f.lines:
			if !ok {
				t.Fatalf("function exited without running preStop; stderr:\n%s", f.stderr)
			}
			if l == "preStop ran" {
				return
			}
		case <-timeout:
			t.Fatalf("preStop did not run; stderr:\n%s", f.stderr)
		}
	}
}

// withoutPlatformEnv drops the variables that would make the function
// process pick another platform or describe another function.
func withoutPlatformEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "AWS_LAMBDA_"), strings.HasPrefix(name, "FC_"), strings.HasPrefix(name, "_LAMBDA_"),
			name == "AWS_REGION", name == "_HANDLER", name == helperEnv:
			continue
		}
		out = append(out, kv)
	}
	return out
}

// TestRoutesReportOnLambda: with ROCKETFN_ROUTES set, Start writes the
// routes report and exits even where AWS_LAMBDA_RUNTIME_API is set,
// rather than polling a runtime API that is not there.
func TestRoutesReportOnLambda(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLambdaProcess$")
	cmd.Env = append(withoutPlatformEnv(os.Environ()), helperEnv+"=1",
		"AWS_LAMBDA_RUNTIME_API=127.0.0.1:1", fn.RoutesEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("function process: %v\n%s", err, out)
	}
	var report fn.RoutesReport
	line, _, _ := strings.Cut(string(out), "\n")
	if err := json.Unmarshal([]byte(line), &report); err != nil {
		t.Fatalf("first line %q is not a routes report: %v", line, err)
	}
	if len(report.Routes) != 3 || report.Routes[0].Topic != "players" {
		t.Fatalf("routes = %+v, want the helper's three, players first", report.Routes)
	}
}
