package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// checkoutRoot is this checkout's directory, absolute.
func checkoutRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRocketfnDependency(t *testing.T) {
	t.Parallel()
	root := checkoutRoot(t)
	thisFile := filepath.Join(root, "cmd", "rocketfn", "version.go")
	elsewhere := t.TempDir()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other // a comment\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	devel := &debug.BuildInfo{Main: debug.Module{Path: rocketfnModule, Version: "(devel)"}}
	stamped := &debug.BuildInfo{Main: debug.Module{Path: rocketfnModule, Version: "v0.0.0-20261207151017-0bdbe756a2d1+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0bdbe756a2d1"}, {Key: "vcs.modified", Value: "true"}}}
	trimmed := &debug.BuildInfo{Main: debug.Module{Path: rocketfnModule, Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "-trimpath", Value: "true"}}}
	published := &debug.BuildInfo{Main: debug.Module{Path: rocketfnModule, Version: "v1.4.0"}}
	replaced := dependency{Version: unpublishedVersion, Replace: root}
	for _, c := range []struct {
		name              string
		bi                *debug.BuildInfo
		file, source, cwd string
		want              dependency
		wantErr, wantErr2 string
	}{
		{name: "published", bi: published, file: thisFile, cwd: elsewhere, want: dependency{Version: "v1.4.0"}},
		{name: "devel, recorded path", bi: devel, file: thisFile, cwd: elsewhere, want: replaced},
		{name: "VCS-stamped pseudo-version", bi: stamped, file: thisFile, cwd: elsewhere, want: replaced},
		{name: "trimpath, inside the checkout", bi: trimmed, file: "github.com/rocketfn/rocketfn/cmd/rocketfn/version.go", cwd: ".", want: replaced},
		{name: "trimpath, elsewhere", bi: trimmed, file: "github.com/rocketfn/rocketfn/cmd/rocketfn/version.go", cwd: elsewhere,
			wantErr: "built with -trimpath", wantErr2: "--rocketfn-source DIR"},
		{name: "checkout gone", bi: devel, file: "/gone/cmd/rocketfn/version.go", cwd: elsewhere,
			wantErr: "the checkout it was built in, /gone, is not there any more", wantErr2: "go install github.com/rocketfn/rocketfn/cmd/rocketfn@latest"},
		{name: "--rocketfn-source", bi: published, file: thisFile, source: repoRoot, cwd: elsewhere, want: replaced},
		{name: "--rocketfn-source not rocketfn", bi: devel, file: thisFile, source: other, cwd: elsewhere,
			wantErr: `--rocketfn-source: ` + other + ` is not a checkout of github.com/rocketfn/rocketfn: its go.mod is module "example.com/other"`},
		{name: "--rocketfn-source without go.mod", bi: devel, file: thisFile, source: elsewhere, cwd: elsewhere, wantErr: "is not a checkout"},
	} {
		got, err := rocketfnDependency(c.bi, c.file, c.source, c.cwd)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), c.wantErr2) {
				t.Errorf("%s: %v, %v; want an error with %q and %q", c.name, got, err, c.wantErr, c.wantErr2)
			}
		case err != nil || got != c.want:
			t.Errorf("%s: %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

func TestWriteVersion(t *testing.T) {
	t.Parallel()
	root := checkoutRoot(t)
	var out bytes.Buffer
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: rocketfnModule, Version: "v0.0.0-20261207151017-0bdbe756a2d1+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0bdbe756a2d1"}, {Key: "vcs.time", Value: "2026-12-07T15:10:17Z"}, {Key: "vcs.modified", Value: "true"}}}
	writeVersion(&out, bi, filepath.Join(root, "cmd", "rocketfn", "version.go"))
	for _, want := range []string{
		"rocketfn  v0.0.0-20261207151017-0bdbe756a2d1+dirty\n",
		"revision  0bdbe756a2d1 (with uncommitted changes)\n",
		"time      2026-12-07T15:10:17Z\n",
		"go        go1.26.8 ",
		"init      require github.com/rocketfn/rocketfn " + unpublishedVersion + ", replaced by " + root + "\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	writeVersion(&out, &debug.BuildInfo{Main: debug.Module{Path: rocketfnModule, Version: "v1.4.0"}}, "")
	for _, want := range []string{"rocketfn  v1.4.0\n", "revision  unknown", "init      require github.com/rocketfn/rocketfn v1.4.0\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("published: output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestVersionCommand runs the command in this test binary, which is built
// from this checkout.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if err := version(nil, &stdout, &stderr); err != nil {
		t.Fatalf("version: %v: %s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "rocketfn  (devel)\n") || !strings.Contains(stdout.String(), "replaced by "+checkoutRoot(t)) {
		t.Errorf("version printed:\n%s", stdout.String())
	}
	if code := exitStatus("version", version([]string{"extra"}, &stdout, &stderr), &stderr); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

// TestGoDirective keeps the go line of new projects at the one of
// rocketfn's go.mod.
func TestGoDirective(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "\ngo "+goDirective+"\n") {
		t.Errorf("goDirective is %s; rocketfn's go.mod says otherwise:\n%s", goDirective, src)
	}
	if got := modulePath(src); got != rocketfnModule {
		t.Errorf("modulePath(go.mod) = %q", got)
	}
}
