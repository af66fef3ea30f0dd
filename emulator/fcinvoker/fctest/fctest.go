package fctest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// DefaultTimeout bounds an invocation when Config.Timeout is 0: the
// timeout of the functions `rocketfn new` writes into s.yaml.
const DefaultTimeout = 30 * time.Second

// stopTimeout bounds how long Stop waits for invocations in flight and
// for the process to exit.
const stopTimeout = 30 * time.Second

// Config configures Start.
type Config struct {
	// Dir is the directory of the function's main package; empty is the
	// package under test (the test's working directory).
	Dir string
	// Name is the function's name, FC_FUNCTION_NAME; empty is the base
	// name of Dir.
	Name string
	// Env is the function's environment variables, as s.yaml's
	// environmentVariables: an otstest.Server's Env, for one.
	Env map[string]string
	// Credentials are the function role's, as FC passes them: in the
	// process's environment (ALIBABA_CLOUD_ACCESS_KEY_ID and the like)
	// when it starts, and in the headers of every invocation. Zero is a
	// function without a role. SetCredentials changes them.
	Credentials fn.Credentials
	// Timeout bounds each invocation, the process's start aside
	// (DefaultTimeout when 0).
	Timeout time.Duration
}

// A Function is a function's binary run as FC runs it, until the test
// that started it ends or Stop.
type Function struct {
	inv  *fcinvoker.Invoker
	name string

	mu   sync.Mutex
	cred fn.Credentials

	events   lockedBuffer // the invoker's warnings: failed invocations, lost instances
	stopOnce sync.Once
}

// Start builds the package of cfg.Dir, failing the test when it does not
// build, and returns the function ready to invoke.
func Start(t testing.TB, cfg Config) *Function {
	t.Helper()
	dir, err := filepath.Abs(cmp.Or(cfg.Dir, "."))
	if err != nil {
		t.Fatalf("fctest: function directory %q: %v", cfg.Dir, err)
	}
	f := &Function{name: cmp.Or(cfg.Name, filepath.Base(dir)), cred: cfg.Credentials}
	logger := slog.New(slog.NewTextHandler(&f.events, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: dropTime}))
	inv, err := fcinvoker.Start(t.Context(), fcinvoker.Function{
		Name: f.name, Dir: dir, Build: true, Env: cfg.Env, Timeout: cmp.Or(cfg.Timeout, DefaultTimeout),
	}, fcinvoker.Options{Logger: logger, Credentials: f.credentials})
	if err != nil {
		t.Fatalf("fctest: start function %s: %v", f.name, err)
	}
	f.inv = inv
	t.Cleanup(func() { f.Stop(t) })
	return f
}

// SetCredentials replaces the role's credentials: the invocations made
// from now on carry c. A process already running keeps those of its
// environment, as on FC.
func (f *Function) SetCredentials(c fn.Credentials) {
	f.mu.Lock()
	f.cred = c
	f.mu.Unlock()
}

func (f *Function) credentials() fcinvoker.Credentials {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fcinvoker.Credentials{AccessKeyID: f.cred.AccessKeyID, AccessKeySecret: f.cred.AccessKeySecret, SecurityToken: f.cred.SecurityToken}
}

// A Response is what one invocation came to.
type Response struct {
	// Result holds the request ID, the status and body the function
	// answered, and whether (Failed) and how (ErrorType) it failed.
	fcinvoker.Result
	// Logs are the lines the function wrote for the invocation, from
	// "FC Invoke Start RequestId: <id>" to "FC Invoke End RequestId: <id>".
	Logs string

	function string
}

// Err is nil when the invocation succeeded, and otherwise an error with
// how it failed, what the function answered and its logs.
func (r *Response) Err() error {
	if !r.Failed {
		return nil
	}
	return fmt.Errorf("fctest: function %s, request %s: %s (status %d): %s\nlogs:\n%s",
		r.function, r.RequestID, r.ErrorType, r.Status, bytes.TrimSpace(r.Body), indent(r.Logs))
}

// Invoke sends payload to the function as FC does for a synchronous
// invocation, starting its process first if none runs, and returns the
// answer. It fails the test when the invocation cannot be made: the
// process did not start, or the function was stopped.
func (f *Function) Invoke(t testing.TB, payload []byte) *Response {
	t.Helper()
	res, err := f.inv.Invoke(t.Context(), payload, "")
	if err != nil {
		t.Fatalf("fctest: invoke function %s: %v%s", f.name, err, f.warnings())
	}
	return &Response{Result: res, Logs: string(f.inv.Logs(res.RequestID)), function: f.name}
}

// InvokeFile invokes the function with the contents of the file at path,
// such as "testdata/event.json".
func (f *Function) InvokeFile(t testing.TB, path string) *Response {
	t.Helper()
	payload, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("fctest: payload of function %s: %v", f.name, err)
	}
	return f.Invoke(t, payload)
}

// Stop stops the function as FC does: it waits for the invocations in
// flight, sends SIGTERM and, after a grace period, SIGKILL. It fails the
// test unless every process exited with status 0 after SIGTERM. Calls
// after the first do nothing; the test's end calls it.
func (f *Function) Stop(t testing.TB) {
	t.Helper()
	f.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		if err := f.inv.Close(ctx); err != nil {
			t.Errorf("fctest: stop function %s: %v%s", f.name, err, f.warnings())
		}
		if n := f.inv.Stats().Unclean; n > 0 {
			t.Errorf("fctest: function %s: %d process(es) did not exit with status 0 after SIGTERM%s", f.name, n, f.warnings())
		}
	})
}

// warnings is what the invoker warned of, for a failure message.
func (f *Function) warnings() string {
	if s := f.events.String(); s != "" {
		return "\n" + indent(s)
	}
	return ""
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "\t(none)"
	}
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
