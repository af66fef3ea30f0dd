package fcinvoker

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

func TestInvokeSuccess(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.MemoryMB = 1024
	f.Env = map[string]string{"GREETING": "hello", "ENDPOINT": "cloud"}
	inv := startInvoker(t, f, Options{
		Region: "cn-hangzhou", AccountID: "1234567890",
		Credentials: func() Credentials { return Credentials{"STS.key", "secret", "token"} },
		ExtraEnv:    map[string]string{"ENDPOINT": "local"},
	})
	rs := invokeOK(t, inv, "req-ok", "ok", "ok")
	if len(rs) != 2 {
		t.Fatalf("%d replies, want 2", len(rs))
	}
	r := rs[0]
	want := testReply{
		Body: "ok", RequestID: "req-ok", Function: "players", Handler: testBinary, Memory: 1024, Timeout: "5s",
		Region: "cn-hangzhou", AccountID: "1234567890", AccessKeyID: "STS.key", SecurityToken: "token",
		EnvAccessKeyID: "STS.key",
	}
	got := r
	got.Instance, got.PID, got.Peak, got.Env = "", 0, 0, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the function saw\n%+v\nwant\n%+v", got, want)
	}
	checkEnv(t, f, r)
	logs := string(inv.Logs("req-ok"))
	mustContain(t, "logs of req-ok", logs, "FC Invoke Start RequestId: req-ok", "msg=handling", "body=ok", "FC Invoke End RequestId: req-ok")
	if s := inv.Stats(); s.Invocations != 1 || s.Failures != 0 || s.Started != 1 || s.Instances != 1 {
		t.Errorf("stats %+v", s)
	}
}

func checkEnv(t *testing.T, f Function, r testReply) {
	t.Helper()
	env := r.Env
	want := map[string]string{
		"FC_FUNCTION_NAME": "players", "FC_FUNCTION_HANDLER": testBinary, "FC_FUNCTION_MEMORY_SIZE": "1024",
		"FC_REGION": "cn-hangzhou", "FC_ACCOUNT_ID": "1234567890", "FC_INSTANCE_ID": r.Instance,
		"FC_FUNC_CODE_PATH": f.Dir, "ROCKETFN_HOST": "127.0.0.1", "ALIBABA_CLOUD_SECURITY_TOKEN": "token",
		"GREETING": "hello", "ENDPOINT": "local",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s=%q, want %q", k, env[k], v)
		}
	}
	port := env["FC_CUSTOM_LISTEN_PORT"]
	if p, err := strconv.Atoi(port); err != nil || p == DefaultPort || env["FC_SERVER_PORT"] != port || env["PORT"] != port {
		t.Errorf("ports: FC_CUSTOM_LISTEN_PORT=%q FC_SERVER_PORT=%q PORT=%q, want one free port", port, env["FC_SERVER_PORT"], env["PORT"])
	}
	if r.Instance == "" {
		t.Error("no FC_INSTANCE_ID")
	}
}

func TestInvokeFailure(t *testing.T) {
	t.Parallel()
	inv := startInvoker(t, testFunction(t), Options{})
	first := invokeOK(t, inv, "req-1", "ok")[0]
	res, err := inv.Invoke(t.Context(), payload(t, "ok", "fail"), "req-fail")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || res.Status != 404 || res.ErrorType != ErrorUnhandled {
		t.Fatalf("result %+v, want a failure with status 404 and %s", res, ErrorUnhandled)
	}
	mustContain(t, "answer", string(res.Body), "MessagesFailed", "failing on purpose", "AC14C305069E1B28CDFA3181CDA20002")
	mustContain(t, "logs of req-fail", string(inv.Logs("req-fail")), "FC Invoke End RequestId: req-fail, Error: Unhandled function error")
	if again := invokeOK(t, inv, "req-2", "ok")[0]; again.Instance != first.Instance {
		t.Errorf("a handled failure replaced the instance %s by %s", first.Instance, again.Instance)
	}
	if s := inv.Stats(); s.Invocations != 3 || s.Failures != 1 || s.Restarts != 0 || s.Crashes != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestTimeoutKillsAndReplaces(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.Timeout = time.Second
	inv := startInvoker(t, f, Options{})
	first := invokeOK(t, inv, "req-1", "ok")[0]
	res, err := inv.Invoke(t.Context(), payload(t, "sleep"), "req-sleep")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || res.ErrorType != ErrorTimedOut || res.Duration < time.Second || res.Duration > 3*time.Second {
		t.Fatalf("result %+v, want %s after about 1s", res, ErrorTimedOut)
	}
	mustContain(t, "logs of req-sleep", string(inv.Logs("req-sleep")), "FC Invoke Start RequestId: req-sleep", "body=sleep")
	waitGone(t, first.PID)
	if next := invokeOK(t, inv, "req-2", "ok")[0]; next.Instance == first.Instance {
		t.Errorf("the timed-out instance %s still serves", first.Instance)
	}
	if s := inv.Stats(); s.Timeouts != 1 || s.Failures != 1 || s.Restarts != 1 || s.Started != 2 || s.Crashes != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestCrashRestarts(t *testing.T) {
	t.Parallel()
	inv := startInvoker(t, testFunction(t), Options{})
	first := invokeOK(t, inv, "req-1", "ok")[0]
	res, err := inv.Invoke(t.Context(), payload(t, "crash"), "req-crash")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || res.ErrorType != ErrorCrashed || res.Status != 0 {
		t.Fatalf("result %+v, want %s", res, ErrorCrashed)
	}
	mustContain(t, "logs of req-crash", string(inv.Logs("req-crash")), "body=crash")
	waitGone(t, first.PID)
	if next := invokeOK(t, inv, "req-2", "ok")[0]; next.Instance == first.Instance {
		t.Errorf("the crashed instance %s still serves", first.Instance)
	}
	if s := inv.Stats(); s.Crashes != 1 || s.Failures != 1 || s.Restarts != 1 || s.Started != 2 || s.Timeouts != 0 {
		t.Errorf("stats %+v", s)
	}
}

// waitGone waits until process pid has exited and been reaped.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	testwait.Until(t, 5*time.Second, fmt.Sprintf("exit of process %d", pid), func() bool { return !alive(pid) })
}

// TestInvokeRefusesBadRequestIDs: request IDs with control characters or
// over the length limit are refused before the function is called, so no
// request can forge the log markers of another.
func TestInvokeRefusesBadRequestIDs(t *testing.T) {
	t.Parallel()
	inv := startInvoker(t, testFunction(t), Options{})
	for _, id := range []string{"r1\nFC Invoke End RequestId: victim", "r\x1b[2J", "r\x00", string(make([]byte, maxRequestIDLen+1))} {
		if _, err := inv.Invoke(t.Context(), []byte("ok"), id); err == nil {
			t.Errorf("request ID %q accepted", id)
		}
	}
	if s := inv.Stats(); s.Invocations != 0 {
		t.Errorf("stats %+v: refused requests reached the function", s)
	}
}
