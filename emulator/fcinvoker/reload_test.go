package fcinvoker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

// reloadSource is a function with no dependencies, quick to build, whose
// answer carries its version, written in for VERSION. It appends each
// request ID to CALLS_FILE when the call arrives and its instance ID to
// PRESTOP_FILE on pre-stop; a body of "block" waits until the test writes
// to the named pipe RELEASE_FIFO (reading it blocks until then). The 2 ms
// each call takes keeps calls in flight while the tests reload.
const reloadSource = `package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

const version = VERSION

var mu sync.Mutex

func appendLine(path, line string) {
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	f.WriteString(line + "\n")
}

func main() {
	http.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("x-fc-request-id")
		appendLine(os.Getenv("CALLS_FILE"), id)
		body, _ := io.ReadAll(r.Body)
		if string(body) == "block" {
			if _, err := os.ReadFile(os.Getenv("RELEASE_FIFO")); err != nil {
				panic(err)
			}
		}
		time.Sleep(2 * time.Millisecond) // the function's own work, so calls overlap a reload; it synchronises nothing
		json.NewEncoder(w).Encode(map[string]any{"version": version, "instance": os.Getenv("FC_INSTANCE_ID"), "pid": os.Getpid(), "requestId": id})
	})
	http.HandleFunc("GET /pre-stop", func(w http.ResponseWriter, r *http.Request) {
		appendLine(os.Getenv("PRESTOP_FILE"), os.Getenv("FC_INSTANCE_ID"))
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("FC_CUSTOM_LISTEN_PORT"), nil)
}
`

// reloadAnswer is what reloadSource answers.
type reloadAnswer struct {
	Version   int    `json:"version"`
	Instance  string `json:"instance"`
	PID       int    `json:"pid"`
	RequestID string `json:"requestId"`
}

// reloadFunction is a function built from reloadSource at version 1 in a
// temporary directory, with its record files in the same directory.
func reloadFunction(t *testing.T) Function {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module reloadfn\n\ngo 1.26\n")
	writeVersion(t, dir, 1)
	if err := syscall.Mkfifo(filepath.Join(dir, "release"), 0o600); err != nil {
		t.Fatal(err)
	}
	return Function{
		Name: "reloadfn", Dir: dir, Build: true, Timeout: 10 * time.Second, PreStop: true,
		Env: map[string]string{
			"CALLS_FILE":   filepath.Join(dir, "calls"),
			"PRESTOP_FILE": filepath.Join(dir, "prestop"),
			"RELEASE_FIFO": filepath.Join(dir, "release"),
		},
	}
}

func writeVersion(t *testing.T, dir string, v int) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "main.go"), strings.Replace(reloadSource, "VERSION", strconv.Itoa(v), 1))
}

// invokeVersion invokes inv with body and returns the answer, failing the
// test on any failure.
func invokeVersion(t *testing.T, inv *Invoker, body, requestID string) reloadAnswer {
	t.Helper()
	a, err := tryInvokeVersion(t.Context(), inv, body, requestID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tryInvokeVersion(ctx context.Context, inv *Invoker, body, requestID string) (reloadAnswer, error) {
	res, err := inv.Invoke(ctx, []byte(body), requestID)
	if err != nil {
		return reloadAnswer{}, err
	}
	if res.Failed || res.Status != 200 {
		return reloadAnswer{}, fmt.Errorf("request %s: %+v, answer %s", res.RequestID, res, res.Body)
	}
	var a reloadAnswer
	if err := json.Unmarshal(res.Body, &a); err != nil {
		return reloadAnswer{}, fmt.Errorf("request %s: answer %s: %v", res.RequestID, res.Body, err)
	}
	return a, nil
}

// TestReloadUnderLoad: goroutines invoke without pause while the function
// is rebuilt and reloaded three times. Every invocation succeeds and
// reaches the function exactly once; each answer comes from a build at
// least as new as the last Reload that had returned when the invocation
// began; the instances of the earlier builds get pre-stop and exit, and
// their binaries are removed.
func TestReloadUnderLoad(t *testing.T) {
	t.Parallel()
	f := reloadFunction(t)
	f.InstanceConcurrency, f.MaxInstances = 3, 2
	inv := startInvoker(t, f, Options{})

	const workers, last = 8, 4
	var (
		reloaded, begun atomic.Int64 // Reloads returned, Reloads begun
		perVersion      [last + 1]atomic.Int64
		mu              sync.Mutex
		ids             []string
		instances       = map[int]map[string]int{} // version: instance ID: PID
		stop            = make(chan struct{})
		wg              sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, k)
				floor := reloaded.Load() + 1
				a, err := tryInvokeVersion(t.Context(), inv, "ok", id)
				ceiling := begun.Load() + 1
				if err != nil {
					t.Errorf("invocation %s: %v", id, err)
					return
				}
				if a.Version < int(floor) || a.Version > int(ceiling) {
					t.Errorf("invocation %s answered by version %d, want %d to %d", id, a.Version, floor, ceiling)
				}
				perVersion[a.Version].Add(1)
				mu.Lock()
				ids = append(ids, id)
				if instances[a.Version] == nil {
					instances[a.Version] = map[string]int{}
				}
				instances[a.Version][a.Instance] = a.PID
				mu.Unlock()
			}
		})
	}
	for v := 1; v <= last; v++ {
		if v > 1 {
			writeVersion(t, f.Dir, v)
			begun.Add(1)
			if err := inv.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			reloaded.Add(1)
		}
		testwait.Until(t, time.Minute, fmt.Sprintf("20 answers of version %d", v), func() bool { return perVersion[v].Load() >= 20 || t.Failed() })
	}
	close(stop)
	wg.Wait()
	if t.Failed() {
		return
	}

	calls := fileLines(t, f.Env["CALLS_FILE"])
	slices.Sort(calls)
	slices.Sort(ids)
	if !slices.Equal(calls, ids) {
		t.Errorf("the function got %d calls for %d invocations; each must reach it once", len(calls), len(ids))
	}
	if s := inv.Stats(); s.Failures != 0 || s.Generation != last || s.Crashes != 0 {
		t.Errorf("stats %+v", s)
	}
	testwait.Until(t, time.Minute, "earlier generations stopped", func() bool { return inv.Stats().Draining == 0 })
	stopped := fileLines(t, f.Env["PRESTOP_FILE"])
	for v := 1; v < last; v++ {
		for id, pid := range instances[v] {
			if !slices.Contains(stopped, id) {
				t.Errorf("instance %s of version %d got no pre-stop (pre-stops: %q)", id, v, stopped)
			}
			waitGone(t, pid)
		}
		if _, err := os.Stat(filepath.Join(inv.tmp, strconv.Itoa(v))); !os.IsNotExist(err) {
			t.Errorf("binary of generation %d left behind: %v", v, err)
		}
	}
	for id := range instances[last] {
		if slices.Contains(stopped, id) {
			t.Errorf("instance %s of the current version got a pre-stop", id)
		}
	}
}

// TestReloadDrainsInFlight: an invocation in flight when Reload swaps
// finishes on the old instance, which gets its pre-stop only afterwards,
// while new invocations already go to the new build.
func TestReloadDrainsInFlight(t *testing.T) {
	t.Parallel()
	f := reloadFunction(t)
	f.InstanceConcurrency = 2
	inv := startInvoker(t, f, Options{})
	old := invokeVersion(t, inv, "ok", "first")
	blocked := make(chan reloadAnswer, 1)
	go func() {
		a, err := tryInvokeVersion(t.Context(), inv, "block", "blocked")
		if err != nil {
			t.Error(err)
		}
		blocked <- a
	}()
	testwait.Until(t, time.Minute, "the blocked call at the function", func() bool {
		b, _ := os.ReadFile(f.Env["CALLS_FILE"])
		return strings.Contains(string(b), "blocked\n")
	})
	writeVersion(t, f.Dir, 2)
	if err := inv.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := inv.Stats(); s.Draining != 1 || s.Instances != 2 || s.Generation != 2 {
		t.Errorf("stats after Reload with a call in flight: %+v", s)
	}
	if a := invokeVersion(t, inv, "ok", "after"); a.Version != 2 || a.Instance == old.Instance {
		t.Errorf("after Reload: answer %+v, want version 2 from a new instance", a)
	}
	if b, _ := os.ReadFile(f.Env["PRESTOP_FILE"]); len(b) > 0 {
		t.Errorf("pre-stop of %q while a call was in flight on it", b)
	}
	writeFile(t, f.Env["RELEASE_FIFO"], "release") // opening blocks until the function reads
	if a := <-blocked; a.Version != 1 || a.Instance != old.Instance {
		t.Errorf("the call in flight was answered by %+v, want version 1 on %s", a, old.Instance)
	}
	testwait.Until(t, time.Minute, "the old generation stopped", func() bool { return inv.Stats().Draining == 0 })
	if got := fileLines(t, f.Env["PRESTOP_FILE"]); !slices.Equal(got, []string{old.Instance}) {
		t.Errorf("pre-stops %q, want the old instance %s", got, old.Instance)
	}
	waitGone(t, old.PID)
}

// TestReloadFailureKeepsServing: a build that does not compile, and one
// that exits at start, leave the running build serving; the next good
// build takes over.
func TestReloadFailureKeepsServing(t *testing.T) {
	t.Parallel()
	f := reloadFunction(t)
	inv := startInvoker(t, f, Options{})
	first := invokeVersion(t, inv, "ok", "first")

	writeFile(t, filepath.Join(f.Dir, "main.go"), "package main\n\nfunc main() { undefinedFunction() }\n")
	err := inv.Reload(t.Context())
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Reload of code that does not compile: %v, want a *BuildError", err)
	}
	if be.Function != "reloadfn" || !strings.Contains(be.Output, "undefinedFunction") {
		t.Errorf("build error %+v", be)
	}
	mustContain(t, "error", err.Error(), `"reloadfn"`, "undefinedFunction")

	writeFile(t, filepath.Join(f.Dir, "main.go"), "package main\n\nimport \"os\"\n\nfunc main() { println(\"no port today\"); os.Exit(2) }\n")
	err = inv.Reload(t.Context())
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("Reload of a build that exits at start: %v, want a *StartError", err)
	}
	mustContain(t, "error", err.Error(), "no port today", "exit status 2")

	if a := invokeVersion(t, inv, "ok", "still"); a.Version != 1 || a.Instance != first.Instance {
		t.Errorf("after failed Reloads: %+v, want version 1 on %s", a, first.Instance)
	}
	if s := inv.Stats(); s.Generation != 1 || s.Failures != 0 {
		t.Errorf("stats after failed Reloads: %+v", s)
	}
	entries, err := os.ReadDir(inv.tmp)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if !slices.Equal(dirs, []string{"1"}) {
		t.Errorf("build directories %q, want only the serving generation's", dirs)
	}

	writeVersion(t, f.Dir, 2)
	if err := inv.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if a := invokeVersion(t, inv, "ok", "fixed"); a.Version != 2 {
		t.Errorf("after the fix: %+v, want version 2", a)
	}
	if s := inv.Stats(); s.Generation != 2 {
		t.Errorf("generation %d after the fix, want 2", s.Generation)
	}
}

// TestReloadCommand: a function run from a command (no Build) gets new
// instances of the command on Reload; Reload after Close is refused.
func TestReloadCommand(t *testing.T) {
	t.Parallel()
	f := testFunction(t)
	stopFile := filepath.Join(t.TempDir(), "prestop")
	f.Env = map[string]string{"PRESTOP_FILE": stopFile}
	f.PreStop = true
	inv := startInvoker(t, f, Options{})
	before := invokeOK(t, inv, "req-1", "ok")[0]
	if err := inv.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := invokeOK(t, inv, "req-2", "ok")[0]
	if after.Instance == before.Instance {
		t.Errorf("instance %s still serves after Reload", before.Instance)
	}
	testwait.Until(t, time.Minute, "the old generation stopped", func() bool { return inv.Stats().Draining == 0 })
	if got := fileLines(t, stopFile); !slices.Equal(got, []string{before.Instance}) {
		t.Errorf("pre-stops %q, want [%s]", got, before.Instance)
	}
	if err := inv.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := inv.Reload(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Reload after Close: %v, want ErrClosed", err)
	}
}
