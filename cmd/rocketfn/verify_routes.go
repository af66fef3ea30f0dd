package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// defaultRoutesTimeout bounds how long verify waits for a function to
// report its routes: its build is not counted.
const defaultRoutesTimeout = 10 * time.Second

// routesAsk is a function verify asks for its routes: the package it is
// built from.
type routesAsk struct {
	fn  *syaml.Function
	src string // the package directory
}

// routesAnswer is what a function told verify: its report, or why there
// is none.
type routesAnswer struct {
	report *fn.RoutesReport
	err    error
}

// askRoutes builds each function and runs it with fn.RoutesEnv set, at
// most a few at a time, and returns the answers by function. The
// binaries go to a temporary directory, removed before it returns.
func askRoutes(ctx context.Context, asks []routesAsk, timeout time.Duration) map[*syaml.Function]routesAnswer {
	answers := make(map[*syaml.Function]routesAnswer, len(asks))
	if len(asks) == 0 {
		return answers
	}
	tmp, err := os.MkdirTemp("", "rocketfn-verify-")
	if err != nil {
		for _, a := range asks {
			answers[a.fn] = routesAnswer{err: err}
		}
		return answers
	}
	defer os.RemoveAll(tmp)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, a := range asks {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			bin := filepath.Join(tmp, fmt.Sprintf("fn%d", i))
			report, err := buildAndAsk(ctx, a, bin, timeout)
			mu.Lock()
			answers[a.fn] = routesAnswer{report, err}
			mu.Unlock()
		})
	}
	wg.Wait()
	return answers
}

// buildAndAsk builds a's package for this machine into bin and asks the
// binary for its routes.
func buildAndAsk(ctx context.Context, a routesAsk, bin string, timeout time.Duration) (*fn.RoutesReport, error) {
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = a.src
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build in %s failed (%v): %s", a.src, err, firstLines(out, 5))
	}
	return runForRoutes(ctx, a.fn, bin, a.src, timeout)
}

// runForRoutes runs the function binary bin with fn.RoutesEnv set and
// reads its report, running it in dir. The function gets its environmentVariables, but
// nothing that would make it serve a platform: no runtime API address,
// no local mode, and a custom-runtime port of 0 on the loopback
// interface in case it serves anyway.
func runForRoutes(ctx context.Context, f *syaml.Function, bin, dir string, timeout time.Duration) (*fn.RoutesReport, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = routesEnv(os.Environ(), f.Env)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	report, perr := parseRoutesReport(stdout.Bytes())
	asked := "started with " + fn.RoutesEnv + "=1"
	update := "build it against a github.com/rocketfn/rocketfn that reports routes (go get github.com/rocketfn/rocketfn@latest in its module) " +
		"and start the App with fn.Start, fn.Run, fn.Serve, fn.ServeGo1 or awslambda.Start"
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("%s, it was still running after %v without printing a routes report, as a function built with a rocketfn runtime older than the report does (it serves instead): %s", asked, timeout, update)
	case err != nil:
		return nil, fmt.Errorf("%s, it ended (%v) before printing a routes report%s; what main does before it starts the App runs under verify too: open connections in fn.WithInitializer, and read the settings it needs from environmentVariables", asked, err, stderrTail(stderr.Bytes()))
	case perr != nil:
		return nil, fmt.Errorf("%s, it exited without a routes report (%v): %s", asked, perr, update)
	}
	return report, nil
}

// routesEnv is the environment of a function asked for its routes: env
// without the variables that name a platform to serve, plus the
// function's variables and fn.RoutesEnv.
func routesEnv(env []string, fnEnv map[string]string) []string {
	drop := []string{"FC_RUNTIME_API", "AWS_LAMBDA_RUNTIME_API", "ROCKETFN_LOCAL", "FC_CUSTOM_LISTEN_PORT", "FC_SERVER_PORT", "PORT", "ROCKETFN_HOST", fn.RoutesEnv}
	out := make([]string, 0, len(env)+len(fnEnv)+4)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, name) {
			out = append(out, kv)
		}
	}
	names := make([]string, 0, len(fnEnv))
	for name := range fnEnv {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(drop, name) {
			out = append(out, name+"="+fnEnv[name])
		}
	}
	return append(out, fn.RoutesEnv+"=1", "ROCKETFN_HOST=127.0.0.1", "FC_CUSTOM_LISTEN_PORT=0")
}

// parseRoutesReport finds the report in a function's standard output: the
// last line that is a JSON object with a "rocketfnRoutes" member, so that
// what main prints before it starts the App does not matter.
func parseRoutesReport(stdout []byte) (*fn.RoutesReport, error) {
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	for _, line := range slices.Backward(lines) {
		line = bytes.TrimSpace(line)
		if !bytes.HasPrefix(line, []byte("{")) {
			continue
		}
		var probe struct {
			Version *int `json:"rocketfnRoutes"`
		}
		if json.Unmarshal(line, &probe) != nil || probe.Version == nil {
			continue
		}
		if *probe.Version != fn.RoutesVersion {
			return nil, fmt.Errorf("the report is of format version %d, and this rocketfn reads version %d: run the rocketfn command of the runtime the function is built with", *probe.Version, fn.RoutesVersion)
		}
		var r fn.RoutesReport
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("the routes report does not decode: %v", err)
		}
		return &r, nil
	}
	if len(bytes.TrimSpace(stdout)) == 0 {
		return nil, errors.New("its standard output is empty")
	}
	return nil, fmt.Errorf("no line of its standard output is a routes report (it printed %s)", firstLines(stdout, 1))
}

// firstLines is the first n lines of b, trimmed, for messages.
func firstLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "; ")
}

// stderrTail is ": " and the last lines of a function's standard error,
// or "" when it wrote none.
func stderrTail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return ""
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return ", writing: " + strings.Join(lines, "; ")
}

// relPath is path relative to the working directory when it is below
// it, for shorter messages.
func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}

// routeName names a route for findings: what registered it and where,
// "HandleBatch at functions/audit/main.go:14".
func routeName(r fn.RouteInfo) string {
	what := "Handle"
	switch r.Kind {
	case fn.KindBatch:
		what = "HandleBatch"
	case fn.KindItems:
		what = "HandleBatch(TypedItems)"
	case fn.KindRaw:
		what = "HandleRaw"
	case fn.KindRows:
		what = "HandleRows"
	}
	if r.Registered == "" {
		return what
	}
	file, line, ok := cutLine(r.Registered)
	if !ok {
		return what + " at " + r.Registered
	}
	return what + " at " + relPath(file) + ":" + line
}

// cutLine splits "file:line" at its last colon.
func cutLine(s string) (file, line string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// routeList lists routes for findings: "topic orders tags created, topic * tags *".
func routeList(rs []fn.RouteInfo) string {
	if len(rs) == 0 {
		return "none"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = "topic " + r.Topic + " tags " + r.Tags
	}
	return strings.Join(parts, ", ")
}
