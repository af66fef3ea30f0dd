package fcinvoker

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInitializerOncePerInstance(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	initFile := filepath.Join(t.TempDir(), "init")
	f.Env = map[string]string{"INIT_FILE": initFile}
	f.Initializer, f.MaxInstances = true, 2
	inv := startInvoker(t, f, Options{})
	seen := map[string]bool{}
	for range 2 {
		for _, r := range invokeAll(t, inv, 4, "hold") {
			seen[r.Instance] = true
		}
	}
	inits := fileLines(t, initFile)
	slices.Sort(inits)
	var instances []string
	for id := range seen {
		instances = append(instances, id)
	}
	slices.Sort(instances)
	if len(instances) != 2 || !slices.Equal(inits, instances) {
		t.Errorf("initialized %q, want each of the instances %q once", inits, instances)
	}
}

func TestInitializerFailure(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.Env = map[string]string{"INIT_FAIL": "1"}
	f.Initializer = true
	inv := startInvoker(t, f, Options{})
	for _, id := range []string{"req-1", "req-2"} {
		res, err := inv.Invoke(t.Context(), payload(t, "ok"), id)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed || res.ErrorType != ErrorInitialization {
			t.Fatalf("result %+v, want %s", res, ErrorInitialization)
		}
		mustContain(t, "logs of "+id, string(inv.Logs(id)), "initializer", "POST /initialize", "status 404")
	}
	if s := inv.Stats(); s.Failures != 2 || s.Started != 2 || s.Restarts != 1 || s.Crashes != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestPreStopOnClose(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	stopFile := filepath.Join(t.TempDir(), "prestop")
	f.Env = map[string]string{"PRESTOP_FILE": stopFile}
	f.PreStop = true
	inv := startInvoker(t, f, Options{})
	r := invokeOK(t, inv, "req-1", "ok")[0]
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := inv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fileLines(t, stopFile); !slices.Equal(got, []string{r.Instance}) {
		t.Errorf("preStop ran for %q, want [%s]", got, r.Instance)
	}
	if alive(r.PID) {
		t.Errorf("process %d still runs after Close", r.PID)
	}
	if _, err := inv.Invoke(t.Context(), payload(t, "ok"), ""); !errors.Is(err, ErrClosed) {
		t.Errorf("Invoke after Close: %v, want ErrClosed", err)
	}
}

func TestStartFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		command []string
		want    []string
	}{
		{"exits", []string{"/bin/sh", "-c", "echo boom >&2; exit 2"}, []string{`"players"`, "boom", "exit status 2"}},
		{"does not listen", []string{"/bin/sh", "-c", "echo waiting; exec sleep 30"}, []string{"accepted no connections", "FC_CUSTOM_LISTEN_PORT", "waiting"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := testFunction(t)
			f.Command = tt.command
			inv := startInvoker(t, f, Options{StartTimeout: 300 * time.Millisecond})
			res, err := inv.Invoke(t.Context(), payload(t, "ok"), "req-1")
			var se *StartError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *StartError", err)
			}
			mustContain(t, "error", err.Error(), tt.want...)
			if !res.Failed || res.ErrorType != ErrorNotStarted {
				t.Errorf("result %+v, want %s", res, ErrorNotStarted)
			}
			mustContain(t, "logs of req-1", string(inv.Logs("req-1")), "did not start")
		})
	}
}

func TestMissingCommand(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	f.Command = []string{"no-such-bootstrap"}
	_, err := Start(t.Context(), f, Options{})
	if err == nil {
		t.Fatal("Start succeeded")
	}
	mustContain(t, "error", err.Error(), `"players"`, "no-such-bootstrap")
}

func TestBuildFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module broken\n\ngo 1.26\n")
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() { undefinedFunction() }\n")
	_, err := Start(t.Context(), Function{Name: "broken", Dir: dir, Build: true}, Options{})
	if err == nil {
		t.Fatal("Start succeeded")
	}
	mustContain(t, "error", err.Error(), dir, `"broken"`, "undefinedFunction")
}

func TestStartBuilds(t *testing.T) {
	t.Parallel()
	inv := startInvoker(t, Function{Name: "players", Dir: filepath.Join("testdata", "fn"), Build: true}, Options{})
	if r := invokeOK(t, inv, "req-1", "ok")[0]; r.Function != "players" {
		t.Errorf("function %q", r.Function)
	}
	build := filepath.Dir(inv.current().cmd[0])
	if err := inv.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(build); !os.IsNotExist(err) {
		t.Errorf("build directory %s left behind: %v", build, err)
	}
}

// invokeAll makes n invocations of body at once and returns their replies.
func invokeAll(t *testing.T, inv *Invoker, n int, body string) []testReply {
	t.Helper()
	out := make([][]testReply, n)
	p := payload(t, body)
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			res, err := inv.Invoke(t.Context(), p, "")
			if err != nil || res.Failed {
				t.Errorf("invocation %d: %+v, %v", k, res, err)
				return
			}
			if err := json.Unmarshal(res.Body, &out[k]); err != nil {
				t.Errorf("invocation %d: answer %s: %v", k, res.Body, err)
			}
		})
	}
	wg.Wait()
	return slices.Concat(out...)
}

func fileLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
