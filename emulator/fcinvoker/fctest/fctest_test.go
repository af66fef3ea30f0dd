package fctest_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker/fctest"
	"github.com/rocketfn/rocketfn/emulator/internal/failtest"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// seen mirrors testdata/fn's answer.
type seen struct {
	Bodies      []string `json:"bodies"`
	Greeting    string   `json:"greeting"`
	EnvKeyID    string   `json:"envKeyId"`
	InvokeKeyID string   `json:"invokeKeyId"`
	Inherited   string   `json:"inherited"`
}

// event is an event-driven trigger's payload: one message with body.
func event(body string) []byte {
	return []byte(`{"specversion":"1.0","id":"e1","source":"test","type":"mq:Topic:SendMessage",` +
		`"data":{"topic":"t","systemProperties":{"UNIQ_KEY":"M1"},"body":"` + body + `"}}`)
}

func decode(t *testing.T, res *fctest.Response) seen {
	t.Helper()
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	var s seen
	if err := json.Unmarshal(res.Body, &s); err != nil {
		t.Fatalf("answer %s: %v", res.Body, err)
	}
	return s
}

// TestInvoke runs testdata/fn with a variable and credentials, and checks
// what the process sees: the variable, the credentials in its environment
// and in the invocation, nothing else of the test's environment; and
// what the Response holds: the answer and the invocation's log lines.
func TestInvoke(t *testing.T) {
	t.Setenv("FCTEST_INHERITED", "leaked")
	role := fn.Credentials{AccessKeyID: "STS.role-1", AccessKeySecret: "s1", SecurityToken: "tok1"}
	f := fctest.Start(t, fctest.Config{Dir: "testdata/fn", Env: map[string]string{"GREETING": "hi"}, Credentials: role})

	res := f.Invoke(t, event("one"))
	got := decode(t, res)
	want := seen{Bodies: []string{"one"}, Greeting: "hi", EnvKeyID: "STS.role-1", InvokeKeyID: "STS.role-1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the function saw %+v, want %+v", got, want)
	}
	for _, line := range []string{"FC Invoke Start RequestId: " + res.RequestID, "body=one", "FC Invoke End RequestId: " + res.RequestID} {
		if !strings.Contains(res.Logs, line) {
			t.Errorf("the logs of %s lack %q:\n%s", res.RequestID, line, res.Logs)
		}
	}

	f.SetCredentials(fn.Credentials{AccessKeyID: "STS.role-2", AccessKeySecret: "s2", SecurityToken: "tok2"})
	got = decode(t, f.Invoke(t, event("two")))
	if got.InvokeKeyID != "STS.role-2" || got.EnvKeyID != "STS.role-1" {
		t.Errorf("after SetCredentials the invocation carries %q and the environment holds %q, want STS.role-2 and the process's STS.role-1",
			got.InvokeKeyID, got.EnvKeyID)
	}
	f.Stop(t)
}

// TestFailedInvocation checks that a function's failure is the
// Response's, not the test's, and that Err tells it with the logs.
func TestFailedInvocation(t *testing.T) {
	f := fctest.Start(t, fctest.Config{Dir: "testdata/fn"})
	path := filepath.Join(t.TempDir(), "fail.json")
	if err := os.WriteFile(path, event("fail"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := f.InvokeFile(t, path)
	if !res.Failed || res.ErrorType != fcinvoker.ErrorUnhandled {
		t.Fatalf("invocation of a failing message: %+v, want a failure of type %s", res.Result, fcinvoker.ErrorUnhandled)
	}
	err := res.Err()
	for _, want := range []string{"function fn", res.RequestID, "failing on purpose", "body=fail"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Err() = %v, want it to name %q", err, want)
		}
	}
	if err := decode(t, f.Invoke(t, event("after"))); len(err.Bodies) != 1 {
		t.Errorf("the invocation after a failure saw %v", err.Bodies)
	}
}

// TestFailures checks what fails the test, and how: a package that does
// not build, a payload file that is missing, a process that does not
// exit cleanly after SIGTERM.
func TestFailures(t *testing.T) {
	failed := failtest.Run(t, func(t testing.TB) { fctest.Start(t, fctest.Config{Dir: "testdata/broken"}) })
	failtest.Want(t, failed, "start function broken", "undefined")

	failed = failtest.Run(t, func(t testing.TB) {
		fctest.Start(t, fctest.Config{Dir: "testdata/fn"}).InvokeFile(t, "testdata/missing.json")
	})
	failtest.Want(t, failed, "payload of function fn", "missing.json")

	failed = failtest.Run(t, func(t testing.TB) {
		f := fctest.Start(t, fctest.Config{Dir: "../testdata/badstop"})
		if err := f.Invoke(t, []byte(`[]`)).Err(); err != nil {
			t.Fatal(err)
		}
		f.Stop(t)
	})
	failtest.Want(t, failed, "function badstop: 1 process(es) did not exit with status 0 after SIGTERM", "exit status 7")
}
