package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// buildFlags are the flags of "rocketfn build".
type buildFlags struct {
	file, functions string
}

var buildExamples = map[string]string{
	"file":     "--file deploy/s.yaml",
	"function": "--function players, or --function players,orders",
}

// buildTarget is one function to build: the Go package and the binary.
type buildTarget struct {
	name string
	src  string // the package directory
	out  string // the binary, in the code directory
}

// errSkipBuild marks a function build leaves alone, with the reason.
var errSkipBuild = errors.New("skipped")

// runBuild is the "build" command: it cross-compiles the functions for
// Function Compute into the code directories s.yaml names.
func runBuild(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return build(ctx, args, os.Stdout, os.Stderr)
}

func build(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBuildFlags(args, stderr)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(f.file)
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.file)
	proj, err := syaml.Parse(src, dir, syaml.WithFile(f.file), syaml.WithEnv(os.LookupEnv))
	if err != nil {
		return err
	}
	fns, err := selectFunctions(proj, f.functions)
	if err != nil {
		return err
	}
	doc := readYAMLDoc(src)
	built, start := 0, time.Now()
	for i, fn := range fns {
		t, err := targetOf(doc, fn, dir)
		if errors.Is(err, errSkipBuild) {
			fmt.Fprintf(stdout, "%s: %v\n", fn.Name, err)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: building %s (%d of %d)...\n", t.name, t.src, i+1, len(fns))
		began := time.Now()
		if err := goBuild(ctx, t, stderr); err != nil {
			return err
		}
		built++
		fmt.Fprintf(stdout, "%s: built %s from %s (%s) in %s\n", t.name, t.out, t.src, fileSize(t.out), time.Since(began).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "%d of %d functions built in %s\n", built, len(fns), time.Since(start).Round(time.Millisecond))
	return nil
}

func parseBuildFlags(args []string, stderr io.Writer) (buildFlags, error) {
	var f buildFlags
	fs := flag.NewFlagSet("rocketfn build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.file, "file", "s.yaml", "the Serverless Devs `file` naming the functions")
	fs.StringVar(&f.functions, "function", "", "build only these comma-separated function `names` (default all)")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn build [flags]

Cross-compiles each Go function of s.yaml for Function Compute: linux/amd64,
CGO_ENABLED=0, -trimpath. The binary goes where FC runs it from: the code
directory, at the path of customRuntimeConfig.command under /code (code
./functions/players/target with command /code/bootstrap gives
functions/players/target/bootstrap); go1 functions get their handler's name.
The package built is the path of the resource's pre-deploy action that runs
go build, else the code directory or the nearest of its two parents with Go
files, as rocketfn dev builds it. Functions in OSS or in other runtimes are
skipped.
`, buildExamples, `
Examples:

  rocketfn build
  rocketfn build --function players
  rocketfn build --file deploy/s.yaml && s deploy -t deploy/s.yaml
`)
	}
	return f, parseFlags(fs, args)
}

// selectFunctions returns the functions named in the comma-separated
// list, or all of them when it is empty.
func selectFunctions(proj *syaml.Project, list string) ([]*syaml.Function, error) {
	if list == "" {
		return proj.Functions, nil
	}
	var out []*syaml.Function
	for name := range strings.SplitSeq(list, ",") {
		fn := proj.Function(strings.TrimSpace(name))
		if fn == nil {
			names := make([]string, len(proj.Functions))
			for i, f := range proj.Functions {
				names[i] = f.Name
			}
			return nil, usagef("--function %q: s.yaml has no such function (it has %s)", name, strings.Join(names, ", "))
		}
		if !slices.Contains(out, fn) {
			out = append(out, fn)
		}
	}
	return out, nil
}

// targetOf finds where fn is built from and where its binary goes.
func targetOf(doc yamlDoc, fn *syaml.Function, dir string) (buildTarget, error) {
	var rel string
	switch {
	case fn.IsCustom() && len(fn.Command) > 0:
		var ok bool
		if rel, ok = strings.CutPrefix(fn.Command[0], "/code/"); !ok || rel == "" {
			return buildTarget{}, fmt.Errorf("%s (s.yaml:%d): command %q is not a file under /code/, where FC unpacks the code directory",
				fn.Name, fn.Line, fn.Command[0])
		}
	case fn.Runtime == "go1" && fn.Handler != "":
		rel = fn.Handler
	case fn.CodeDir == "" && fn.CodeOSS != "":
		return buildTarget{}, fmt.Errorf("%w: the code is in OSS (%s)", errSkipBuild, fn.CodeOSS)
	default:
		return buildTarget{}, fmt.Errorf("%w: runtime %s does not run a Go binary built here", errSkipBuild, fn.Runtime)
	}
	if fn.CodeDir == "" {
		return buildTarget{}, fmt.Errorf("%w: no local code directory", errSkipBuild)
	}
	if strings.HasSuffix(fn.CodeDir, ".zip") {
		return buildTarget{}, fmt.Errorf("%s (s.yaml:%d): code %s is a zip file; point code at a directory to build into", fn.Name, fn.Line, fn.CodeDir)
	}
	src := doc.functionSource(fn, dir)
	if src == "" {
		return buildTarget{}, fmt.Errorf("%s (s.yaml:%d): no Go source: no pre-deploy go build action path with Go files, nor Go files in %s or the two directories above it",
			fn.Name, fn.Line, fn.CodeDir)
	}
	return buildTarget{name: fn.Name, src: src, out: filepath.Join(fn.CodeDir, filepath.FromSlash(rel))}, nil
}

// goBuild compiles t for linux/amd64 without cgo, the compiler's output
// going to stderr.
func goBuild(ctx context.Context, t buildTarget, stderr io.Writer) error {
	out, err := filepath.Abs(t.out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = t.src
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: go build in %s: %w", t.name, t.src, err)
	}
	return nil
}

// fileSize is the size of the file at path, for messages.
func fileSize(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return "size unknown"
	}
	return formatBytes(int(st.Size()))
}
