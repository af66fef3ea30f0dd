package main

// rocketfn invoke --debug: the function built without optimizations and
// run under Delve, with the local services the stack gives it.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// Delve, the debugger of --debug, and the version go install installs
// when dlv is missing.
const (
	delvePackage = "github.com/go-delve/delve/cmd/dlv"
	delveVersion = "v1.27.2"
)

// debugTimeout replaces the function's timeout while it runs under Delve,
// so that the invoker does not kill it while it waits at a breakpoint; it
// also bounds the wait for a debugger to attach.
const debugTimeout = time.Hour

// delveListening starts the line Delve prints when its API server is up.
const delveListening = "API server listening at: "

// startDebug builds fn without optimizations and starts it under Delve
// with the local services, as startFunction starts it without.
func startDebug(ctx context.Context, proj *syaml.Project, fn *syaml.Function, port int, log *slog.Logger, stderr io.Writer) (*fcinvoker.Invoker, func(), error) {
	src := fn.SourceDir()
	if src == "" {
		return nil, nil, fmt.Errorf("function %s (s.yaml:%d): no Go files in its code directory %s or the two above it", fn.Name, fn.Line, fn.CodeDir)
	}
	dlv, err := findDelve(ctx, stderr)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "rocketfn-debug-")
	if err != nil {
		return nil, nil, err
	}
	bin, err := buildDebug(ctx, fn.Name, src, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	// The services alone: the function runs under the invoker below.
	s, err := stack.Start(ctx, stack.Config{Project: proj, Functions: []string{}, Logger: log})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	sts := s.Tablestore.IssueSTS(2 * debugTimeout)
	creds := fcinvoker.Credentials{AccessKeyID: sts.AccessKeyID, AccessKeySecret: sts.AccessKeySecret, SecurityToken: sts.SecurityToken}
	cmd := []string{dlv, "exec", "--headless", "--listen=127.0.0.1:" + strconv.Itoa(port), "--api-version=2", "--accept-multiclient", bin}
	if len(fn.Command) > 1 {
		cmd = append(append(cmd, "--"), fn.Command[1:]...)
	}
	announce := &delveAnnouncer{h: log.Handler(), w: stderr, function: fn.Name, once: new(sync.Once)}
	inv, err := fcinvoker.Start(ctx, debugFunction(s, fn, cmd), fcinvoker.Options{
		Logger: slog.New(announce), Region: eventbridge.DefaultRegion, AccountID: eventbridge.DefaultAccountID,
		Credentials: func() fcinvoker.Credentials { return creds }, ExtraEnv: s.FunctionEnv(), StartTimeout: debugTimeout,
	})
	if err != nil {
		closeStack(s, log)
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	stop := func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := inv.Close(cctx); err != nil {
			log.Warn("stopping the function", "err", err)
		}
		closeStack(s, log)
		os.RemoveAll(tmp)
	}
	return inv, stop, nil
}

// debugFunction is the function the stack runs for fn, with cmd as its
// command line (a built binary under Delve) and its timeouts lifted to
// debugTimeout.
func debugFunction(s *stack.Stack, fn *syaml.Function, cmd []string) fcinvoker.Function {
	f := s.Function(fn)
	if f.Handler == "" {
		f.Handler = orDefault(strings.Join(fn.Command, " "), "bootstrap")
	}
	f.Command, f.Build, f.Timeout = cmd, false, debugTimeout
	if f.Initializer {
		f.InitializationTimeout = debugTimeout
	}
	return f
}

// buildDebug compiles the main package in src without optimizations or
// inlining, as debuggers want it, into dir/bootstrap.
func buildDebug(ctx context.Context, name, src, dir string) (string, error) {
	bin := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build", "-gcflags=all=-N -l", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build function %s in %s for debugging: %w\n%s", name, src, err, bytes.TrimSpace(out))
	}
	return bin, nil
}

// findDelve returns the path of dlv: the one in PATH, else the one in the
// go command's bin directory, else one it installs there now with go
// install.
func findDelve(ctx context.Context, stderr io.Writer) (string, error) {
	if path, err := exec.LookPath("dlv"); err == nil {
		return path, nil
	}
	dir, err := goBinDir(ctx)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "dlv")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	pkg := delvePackage + "@" + delveVersion
	fmt.Fprintf(stderr, "Delve (dlv) is not installed: installing it with go install %s\n", pkg)
	cmd := exec.CommandContext(ctx, "go", "install", pkg)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("install Delve: go install %s: %w; install it yourself and put dlv in PATH", pkg, err)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("go install %s succeeded but there is no %s: put dlv in PATH", pkg, path)
	}
	return path, nil
}

// goBinDir is where go install puts commands: GOBIN, else bin in the
// first directory of GOPATH.
func goBinDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOBIN GOPATH: %w (is Go installed and in PATH?)", err)
	}
	gobin, gopath, _ := strings.Cut(strings.TrimRight(string(out), "\n"), "\n")
	if gobin != "" {
		return gobin, nil
	}
	if list := filepath.SplitList(gopath); len(list) > 0 && list[0] != "" {
		return filepath.Join(list[0], "bin"), nil
	}
	return "", fmt.Errorf("go env: neither GOBIN nor GOPATH is set, so there is nowhere to install Delve: put dlv in PATH")
}

// delveAnnouncer is the log handler of the function under Delve: it
// passes records on to h and, when Delve's line saying where it listens
// comes through, tells the developer on w how to attach.
type delveAnnouncer struct {
	h        slog.Handler
	w        io.Writer
	function string
	once     *sync.Once
}

// Enabled is true at every level: Delve's line must be seen whatever
// level h logs.
func (d *delveAnnouncer) Enabled(context.Context, slog.Level) bool { return true }

func (d *delveAnnouncer) Handle(ctx context.Context, r slog.Record) error {
	if addr, ok := strings.CutPrefix(r.Message, delveListening); ok {
		d.once.Do(func() {
			fmt.Fprintf(d.w, "Delve is debugging %s on %s and holds it before main: attach a client (dlv connect %s,\n"+
				"or an editor's remote attach to that address), set breakpoints and continue. The payload is\n"+
				"delivered once the function listens; its timeout is %s while debugging.\n", d.function, addr, addr, debugTimeout)
		})
	}
	if !d.h.Enabled(ctx, r.Level) {
		return nil
	}
	return d.h.Handle(ctx, r)
}

func (d *delveAnnouncer) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *d
	c.h = d.h.WithAttrs(attrs)
	return &c
}

func (d *delveAnnouncer) WithGroup(name string) slog.Handler {
	c := *d
	c.h = d.h.WithGroup(name)
	return &c
}
