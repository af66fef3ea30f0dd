package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/templates"
)

// repoRoot is the module's root, from this package's directory.
const repoRoot = "../.."

// newProjectDir makes a project directory inside the module (under
// testdata/, which ./... skips), so the generated functions build with the
// module's dependencies, holding a copy of the repository's s.yaml. It is
// removed when the test ends.
func newProjectDir(t *testing.T) string {
	t.Helper()
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("testdata", "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src, err := os.ReadFile(filepath.Join(repoRoot, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestNewTemplatesBuildAndPass creates a function from every template in
// a copy of the repository's s.yaml, then vets and tests the generated
// packages with the go command, and verifies the s.yaml.
func TestNewTemplatesBuildAndPass(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet and go test on the generated functions")
	}
	dir := newProjectDir(t)
	before, _ := os.ReadFile(filepath.Join(dir, "s.yaml"))
	var pkgs []string
	for _, tmpl := range templates.Names {
		name := "gen-" + tmpl
		args := []string{name, "--topic", "topic-" + tmpl, "--tag", "created || paid", "--template", tmpl, "--dir", dir}
		var out bytes.Buffer
		if err := newFunction(args, &out, &out); err != nil {
			t.Fatalf("new %s: %v\n%s", tmpl, err, out.String())
		}
		if !strings.Contains(out.String(), "with trigger "+name+"-rocketmq") {
			t.Errorf("new %s printed:\n%s", tmpl, out.String())
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("cmd", "rocketfn", dir, "functions", name)))
	}
	after, _ := os.ReadFile(filepath.Join(dir, "s.yaml"))
	if !bytes.HasPrefix(after, before) {
		t.Errorf("s.yaml was changed besides the added resources:\n%s", after)
	}
	proj, err := syaml.Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatalf("the new s.yaml: %v", err)
	}
	orig, err := syaml.Parse(before, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(orig.Functions) + len(templates.Names); len(proj.Functions) != want {
		t.Errorf("s.yaml has %d functions, want %d", len(proj.Functions), want)
	}
	checkNewTrigger(t, proj.Function("gen-batch"), "event-streaming", 100)
	checkNewTrigger(t, proj.Function("gen-basic"), "event-driven", 1)
	for _, tool := range [][]string{{"vet"}, {"test", "-count=1"}} {
		cmd := exec.Command("go", append(tool, pkgs...)...)
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", tool[0], err, out)
		}
	}
	findings, err := verifyProject(filepath.Join(dir, "s.yaml"), 4<<10, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings { // players' code is not in the copy: only the new functions are checked
		if strings.HasPrefix(f.Key, "resources.gen-") && !strings.Contains(f.Message, "${config('AccountID')}") {
			t.Errorf("verify: s.yaml:%d: %s: %s: %s", f.Line, f.Severity, f.Key, f.Message)
		}
	}
}

// checkNewTrigger checks the trigger rocketfn new gave f.
func checkNewTrigger(t *testing.T, f *syaml.Function, mode string, batch int) {
	t.Helper()
	if f == nil || len(f.Triggers) != 1 {
		t.Fatalf("function %v: want one trigger", f)
	}
	tr := f.Triggers[0]
	if tr.Mode != mode || tr.BatchCount != batch || tr.RetryPolicy != "BACKOFF_RETRY" || tr.ErrorsTolerance != "ALL" ||
		tr.DeadLetterQueue == "" || tr.Tag != "created||paid" || f.Timeout.Seconds() != 30 || f.Port != 9000 {
		t.Errorf("function %s: trigger %+v", f.Name, tr)
	}
}

// TestNewRefuses checks the names and flags "rocketfn new" refuses, and
// that a refusal writes nothing.
func TestNewRefuses(t *testing.T) {
	dir := newProjectDir(t)
	if err := os.MkdirAll(filepath.Join(dir, "functions", "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "s.yaml"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"players", "--topic", "p"}, `already has a function "players"`},
		{[]string{"taken", "--topic", "p"}, "already exists"},
		{[]string{"--topic", "p"}, "NAME is required"},
		{[]string{"9lives", "--topic", "p"}, "function name"},
		{[]string{"ok"}, "--topic is required"},
		{[]string{"ok", "--topic", "a b"}, "--topic"},
		{[]string{"ok", "--topic", "p", "--tag", "a||"}, "--tag"},
		{[]string{"ok", "--topic", "p", "--template", "fancy"}, "--template"},
		{[]string{"ok", "--topic", "p", "--table", "t"}, "--table applies"},
		{[]string{"ok", "--topic", "p", "--template", "tablestore", "--table", "bad-name"}, "--table"},
		{[]string{"ok", "extra", "--topic", "p"}, "unexpected argument"},
	} {
		var out bytes.Buffer
		err := newFunction(append(c.args, "--dir", dir), &out, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.args, err, c.want)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "s.yaml"))
	entries, _ := os.ReadDir(filepath.Join(dir, "functions"))
	if !bytes.Equal(before, after) || len(entries) != 1 {
		t.Errorf("a refused new changed the project: %d function directories", len(entries))
	}
}

// TestNewCreatesSYAML starts an s.yaml when the project has none, and
// takes the name after the flags.
func TestNewCreatesSYAML(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := newFunction([]string{"--topic", "stock", "--template", "tablestore", "--dir", dir, "inventory"}, &out, &out); err != nil {
		t.Fatalf("new: %v\n%s", err, out.String())
	}
	proj, err := syaml.Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f := proj.Function("inventory")
	if f == nil || f.Env["INVENTORY_TABLE"] != "inventory" || f.Triggers[0].Topic != "stock" || f.Triggers[0].Tag != "*" {
		t.Fatalf("function %+v", f)
	}
	for _, name := range []string{"main.go", "handler.go", "handler_test.go", "doc.go", "testdata/event.json"} {
		if _, err := os.Stat(filepath.Join(dir, "functions", "inventory", name)); err != nil {
			t.Error(err)
		}
	}
}
