package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goIn runs the go command with args in dir, allowing it to update go.mod
// and go.sum from the module cache (GOPROXY as the environment sets it).
func goIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// TestInitProjectBuildsAndPasses creates a project outside this module,
// builds, vets and tests it on its own, adds a function of another
// template with rocketfn new and tests again, then invokes that function.
func TestInitProjectBuildsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy, go build, go vet and go test in a new project")
	}
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "shop")
	var out bytes.Buffer
	if err := initProject([]string{dir, "--module", "example.com/shop", "--function", "greet", "--topic", "greetings"}, &out, &out); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Created the project example.com/shop in " + dir, filepath.Join(dir, "functions", "greet", "handler_test.go"),
		"rocketfn invoke greet --body '{\"id\":\"1001\",\"text\":\"hello\"}'"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("init printed no %q:\n%s", want, out.String())
		}
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module example.com/shop\n", "\ngo 1.26", "github.com/rocketfn/rocketfn " + unpublishedVersion,
		"replace github.com/rocketfn/rocketfn => " + checkoutRoot(t) + "\n"} {
		if !strings.Contains(string(gomod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, gomod)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, want := range []string{"go install ./cmd/rocketfn", "go install github.com/rocketfn/rocketfn/cmd/rocketfn@latest",
		"rocketfn dev", "rocketfn invoke greet --body", "rocketfn send --topic greetings"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	if ignore, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); !strings.Contains(string(ignore), "/functions/*/target/") {
		t.Errorf(".gitignore:\n%s", ignore)
	}
	goIn(t, dir, "build", "./...")
	goIn(t, dir, "vet", "./...")
	goIn(t, dir, "test", "-count=1", "./...")

	out.Reset()
	if err := newFunction([]string{"stock", "--topic", "stock", "--template", "tablestore", "--dir", dir}, &out, &out); err != nil {
		t.Fatalf("new in the project: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Ran go mod tidy in "+dir) {
		t.Errorf("new printed:\n%s", out.String())
	}
	goIn(t, dir, "vet", "./...")
	goIn(t, dir, "test", "-count=1", "./...")

	stdout, stderr, code := runInvokeCLI(t, nil, "stock", "--file", filepath.Join(dir, "s.yaml"), "--body", `{"id":"s1","name":"bolt","count":4}`)
	if code != 0 || !json.Valid([]byte(stdout)) || !strings.Contains(stderr, ": ok in ") {
		t.Errorf("invoke stock: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestInitRefuses checks the directories and flags init refuses: nothing
// is written.
func TestInitRefuses(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	full := filepath.Join(parent, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(parent, "fresh")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{full}, 1, "is not empty (it has notes.txt)"},
		{[]string{full}, 1, "rocketfn new NAME --topic TOPIC --dir " + full},
		{[]string{file}, 1, "is a file"},
		{nil, 2, "name the project's DIR"},
		{[]string{fresh, "other"}, 2, `unexpected argument "other"`},
		{[]string{fresh, "--module", "a b"}, 2, `--module "a b" is not a Go module path`},
		{[]string{fresh, "--module", "../x"}, 2, "is not a Go module path"},
		{[]string{fresh, "--template", "fancy"}, 2, "--template"},
		{[]string{fresh, "--function", "9lives"}, 2, "function name"},
		{[]string{fresh, "--table", "t"}, 2, "--table applies"},
		{[]string{fresh, "--rocketfn-source", parent}, 1, "is not a checkout of github.com/rocketfn/rocketfn"},
	} {
		var stdout, stderr bytes.Buffer
		code := exitStatus("init", initProject(c.args, &stdout, &stderr), &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("init wrote into the non-empty directory: %d entries", len(entries))
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Errorf("a refused init created %s", fresh)
	}
}

// TestInitEmptyDir initialises an existing empty directory, taking the
// module name from its base name.
func TestInitEmptyDir(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy")
	}
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "my app")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := initProject([]string{dir, "--template", "batch"}, &out, &out); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if !strings.HasPrefix(string(gomod), "module my-app\n") {
		t.Errorf("go.mod:\n%s", gomod)
	}
	if _, err := os.Stat(filepath.Join(dir, "functions", "hello", "handler.go")); err != nil {
		t.Error(err)
	}
}

// TestNewOutsideModule says how to make the function build when there is
// no go.mod.
func TestNewOutsideModule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := newFunction([]string{"greet", "--topic", "greetings", "--dir", dir}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "There is no go.mod in "+dir+" or above it") || !strings.Contains(out.String(), "rocketfn init DIR") {
		t.Errorf("new printed:\n%s", out.String())
	}
}

func TestInitHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := exitStatus("init", initProject([]string{"-h"}, &stdout, &stderr), &stderr); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	for name := range initExamples {
		if !strings.Contains(stderr.String(), "example: --"+name) {
			t.Errorf("help has no example for --%s", name)
		}
	}
	if !strings.Contains(stderr.String(), unpublishedVersion) || !strings.Contains(stderr.String(), "go env GOMOD") {
		t.Errorf("help does not state how go.mod takes rocketfn:\n%s", stderr.String())
	}
}
