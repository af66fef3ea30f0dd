package fcinvoker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBinary is testdata/fn, built once for the package.
var testBinary string

func TestMain(m *testing.M) {
	if bin := os.Getenv(orphanEnv); bin != "" {
		os.Exit(orphanParent(bin))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "fcinvoker-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	dir, err := filepath.Abs(filepath.Join("testdata", "fn"))
	if err == nil {
		testBinary, err = build(context.Background(), "testfn", dir, tmp)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// testReply mirrors testdata/fn's Reply.
type testReply struct {
	Body           string            `json:"body"`
	RequestID      string            `json:"requestId"`
	Function       string            `json:"function"`
	Handler        string            `json:"handler"`
	Memory         int               `json:"memory"`
	Timeout        string            `json:"timeout"`
	Region         string            `json:"region"`
	AccountID      string            `json:"accountId"`
	AccessKeyID    string            `json:"accessKeyId"`
	SecurityToken  string            `json:"securityToken"`
	EnvAccessKeyID string            `json:"envAccessKeyId"`
	Instance       string            `json:"instance"`
	PID            int               `json:"pid"`
	Peak           int64             `json:"peak"`
	Env            map[string]string `json:"env"`
}

func testFunction(t *testing.T) Function {
	return Function{Name: "players", Dir: t.TempDir(), Command: []string{testBinary}, Timeout: 5 * time.Second}
}

// startInvoker starts f, logging to the test's output, and closes it at
// the end of the test.
func startInvoker(t *testing.T, f Function, o Options) *Invoker {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(testWriter(t), nil))
	}
	inv, err := Start(t.Context(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := inv.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return inv
}

// testWriter writes to the test's output until the test's cleanup ends,
// and discards afterwards.
func testWriter(t *testing.T) io.Writer {
	w := &lateWriter{w: t.Output()}
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.w = io.Discard
	})
	return w
}

type lateWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lateWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// payload returns an event-streaming batch shaped like
// testdata/players-batch.json, one event per body.
func payload(t *testing.T, bodies ...string) []byte {
	t.Helper()
	b, err := makePayload(bodies...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func makePayload(bodies ...string) ([]byte, error) {
	raw, err := os.ReadFile(filepath.Join("testdata", "players-batch.json"))
	if err != nil {
		return nil, err
	}
	var events []map[string]any
	if err := json.Unmarshal(raw, &events); err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(bodies))
	for i, body := range bodies {
		e := clone(events[i%len(events)])
		e["id"] = fmt.Sprintf("event-%d", i)
		e["data"].(map[string]any)["body"] = body
		out[i] = e
	}
	return json.Marshal(out)
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var c map[string]any
	json.Unmarshal(b, &c)
	return c
}

// invokeOK invokes with bodies and requires success.
func invokeOK(t *testing.T, inv *Invoker, requestID string, bodies ...string) []testReply {
	t.Helper()
	res, err := inv.Invoke(t.Context(), payload(t, bodies...), requestID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed || res.Status != 200 {
		t.Fatalf("request %s: %+v\nbody: %s\nlogs:\n%s", requestID, res, res.Body, inv.Logs(res.RequestID))
	}
	return replies(t, res)
}

func replies(t *testing.T, res Result) []testReply {
	t.Helper()
	var rs []testReply
	if err := json.Unmarshal(res.Body, &rs); err != nil {
		t.Fatalf("request %s: answer %s: %v", res.RequestID, res.Body, err)
	}
	return rs
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}
