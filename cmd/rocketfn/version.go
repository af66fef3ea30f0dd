package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
)

// rocketfnModule is the module this command belongs to, which the
// projects rocketfn init makes require.
const rocketfnModule = "github.com/rocketfn/rocketfn"

// unpublishedVersion is the version a go.mod requires of a module it
// replaces with a directory, as the go command writes it.
const unpublishedVersion = "v0.0.0-00010101000000-000000000000"

// runVersion is the "version" command.
func runVersion(args []string) error { return version(args, os.Stdout, os.Stderr) }

func version(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rocketfn version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: rocketfn version

Prints the version of the rocketfn module this command was built from; the
VCS revision and commit time the go command stamped into it, when it was
built in a checkout (not with -buildvcs=false); the Go version and
platform; and what the go.mod of a project rocketfn init makes requires
(see rocketfn help init).
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("this binary carries no build information: build it with the go command in module mode")
	}
	writeVersion(stdout, bi, sourceFile())
	return nil
}

// writeVersion prints what bi says of this command; file is the path of
// this source file as the binary records it.
func writeVersion(w io.Writer, bi *debug.BuildInfo, file string) {
	b := readBuild(bi)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "rocketfn\t%s\n", b.version)
	if b.revision == "" {
		fmt.Fprintf(tw, "revision\tunknown (no VCS stamp: a published module, or built with -buildvcs=false)\n")
	} else {
		rev := b.revision
		if b.modified {
			rev += " (with uncommitted changes)"
		}
		fmt.Fprintf(tw, "revision\t%s\n", rev)
		fmt.Fprintf(tw, "time\t%s\n", orDefault(b.time, "unknown"))
	}
	fmt.Fprintf(tw, "go\t%s %s/%s\n", orDefault(bi.GoVersion, runtime.Version()), runtime.GOOS, runtime.GOARCH)
	if dep, err := rocketfnDependency(bi, file, "", "."); err != nil {
		fmt.Fprintf(tw, "init\tunknown: %v\n", err)
	} else {
		fmt.Fprintf(tw, "init\t%s\n", dep)
	}
	tw.Flush()
}

// buildStamp is what the build information says of the rocketfn module,
// the main module of this command.
type buildStamp struct {
	version            string // the module's version, "(devel)" when unknown
	revision, time     string // vcs.revision and vcs.time; "" when not stamped
	modified, trimpath bool   // vcs.modified, -trimpath
}

// readBuild reads the main module's version and the VCS stamp from bi.
func readBuild(bi *debug.BuildInfo) buildStamp {
	b := buildStamp{version: orDefault(bi.Main.Version, "(devel)")}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		case "-trimpath":
			b.trimpath = s.Value == "true"
		}
	}
	return b
}

// published reports whether the module version b was built from can be
// had from the module proxy: a version, not "(devel)", and no VCS stamp,
// which the go command adds only to builds in a checkout (go install
// module@version adds none). A checkout's stamped version is a
// pseudo-version of a commit that may never have been pushed.
func (b buildStamp) published() bool {
	return b.version != "(devel)" && b.revision == "" && !strings.HasSuffix(b.version, "+dirty")
}

// dependency is how a project's go.mod takes the rocketfn module: a
// version, replaced by a checkout's directory when Replace is set.
type dependency struct {
	Version, Replace string
}

func (d dependency) String() string {
	if d.Replace == "" {
		return "require " + rocketfnModule + " " + d.Version
	}
	return "require " + rocketfnModule + " " + d.Version + ", replaced by " + d.Replace
}

// rocketfnDependency is how the go.mod of a project this command makes
// takes the rocketfn module. A published version is required as it is.
// A build from a checkout requires unpublishedVersion and replaces it with
// the checkout: source when given, else the checkout this source file
// (file, as the binary records it: absolute unless built with -trimpath)
// is in, else the module of the directory cwd (go env GOMOD) when it is
// rocketfn's.
func rocketfnDependency(bi *debug.BuildInfo, file, source, cwd string) (dependency, error) {
	if source != "" {
		dir, err := checkoutDir(source)
		if err != nil {
			return dependency{}, fmt.Errorf("--rocketfn-source: %w", err)
		}
		return dependency{Version: unpublishedVersion, Replace: dir}, nil
	}
	b := readBuild(bi)
	if b.published() {
		return dependency{Version: b.version}, nil
	}
	built := "" // the checkout this command was built in, <built>/cmd/rocketfn/<file>.go
	if filepath.IsAbs(file) {
		built = filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if dir, err := checkoutDir(built); err == nil {
			return dependency{Version: unpublishedVersion, Replace: dir}, nil
		}
	}
	cmd := exec.Command("go", "env", "GOMOD")
	cmd.Dir = cwd
	if out, err := cmd.Output(); err == nil {
		if gomod := strings.TrimSpace(string(out)); filepath.IsAbs(gomod) {
			if dir, err := checkoutDir(filepath.Dir(gomod)); err == nil {
				return dependency{Version: unpublishedVersion, Replace: dir}, nil
			}
		}
	}
	why := "it was built with -trimpath, which leaves the checkout's path out"
	if built != "" {
		why = "the checkout it was built in, " + built + ", is not there any more"
	}
	return dependency{}, fmt.Errorf("this rocketfn was built from a checkout (version %s), and %s: "+
		"pass --rocketfn-source DIR (a checkout of %s), run it inside a checkout, "+
		"or install a published rocketfn with go install %s/cmd/rocketfn@latest", b.version, why, rocketfnModule, rocketfnModule)
}

// checkoutDir returns dir, absolute, if it holds rocketfn's go.mod.
func checkoutDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	src, err := os.ReadFile(filepath.Join(abs, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("%s is not a checkout of %s: %w", dir, rocketfnModule, err)
	}
	if mod := modulePath(src); mod != rocketfnModule {
		return "", fmt.Errorf("%s is not a checkout of %s: its go.mod is module %q", dir, rocketfnModule, mod)
	}
	return abs, nil
}

// modulePath is the path of the module directive of a go.mod file.
func modulePath(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		line, _, _ = strings.Cut(line, "//")
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// sourceFile is the path of this file as the binary records it: absolute
// unless built with -trimpath.
func sourceFile() string {
	_, file, _, _ := runtime.Caller(0)
	return file
}
