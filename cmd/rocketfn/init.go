package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/rocketfn/rocketfn/templates"
)

// goDirective is the go line of a new project's go.mod: the Go version
// rocketfn's own go.mod asks for.
const goDirective = "1.26.0"

// initFlags are the flags and the argument of "rocketfn init".
type initFlags struct {
	dir, module, source string
	fn                  newFlags // the first function
}

var initExamples = map[string]string{
	"module":          "--module github.com/acme/shop (default the directory's name)",
	"function":        "--function orders",
	"topic":           "--topic orders (default the function's name)",
	"tag":             "--tag 'created||paid'",
	"template":        "--template tablestore",
	"table":           "--table orders (with --template tablestore)",
	"rocketfn-source": "--rocketfn-source ~/src/rocketfn (a checkout the project builds against)",
}

// modulePathRE is what init takes as a module path: elements of the
// characters the go command allows, joined by slashes.
var modulePathRE = regexp.MustCompile(`^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)

// runInit is the "init" command: it creates a project that builds on its
// own.
func runInit(args []string) error { return initProject(args, os.Stdout, os.Stderr) }

func initProject(args []string, stdout, stderr io.Writer) error {
	f, err := parseInitFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := checkInitDir(f.dir); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{}
	}
	dep, err := rocketfnDependency(bi, sourceFile(), f.source, ".")
	if err != nil {
		return err
	}
	plan, err := planNew(f.fn)
	if err != nil {
		return err
	}
	files, err := projectFiles(f, dep, plan.data)
	if err != nil {
		return err
	}
	if err := writeProject(f.dir, files, plan); err != nil {
		return err
	}
	if err := goModTidy(f.dir); err != nil {
		return fmt.Errorf("%w\nThe project is written; fix the cause, then run go mod tidy in %s", err, f.dir)
	}
	reportInit(stdout, f, dep, files, plan)
	return nil
}

func parseInitFlags(args []string, stderr io.Writer) (initFlags, error) {
	var f initFlags
	fs := flag.NewFlagSet("rocketfn init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.module, "module", "", "Go module `path` of the project (default DIR's base name)")
	fs.StringVar(&f.fn.name, "function", "hello", "`name` of the first function")
	fs.StringVar(&f.fn.topic, "topic", "", "RocketMQ `topic` the first function consumes (default its name)")
	fs.StringVar(&f.fn.tag, "tag", "*", "tag `expression` of its trigger and route: *, A or A||B")
	fs.StringVar(&f.fn.template, "template", templates.Names[0], "its `template`: "+strings.Join(templates.Names, ", "))
	fs.StringVar(&f.fn.table, "table", "", "Tablestore `table` of the tablestore template (default the function name, - made _)")
	fs.StringVar(&f.source, "rocketfn-source", "", "a checkout of rocketfn (`dir`) for go.mod to replace the module with (default: see above)")
	fs.Usage = func() { initUsage(fs) }
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return f, err
	}
	switch {
	case len(rest) == 0:
		return f, usagef("name the project's DIR: rocketfn init DIR")
	case len(rest) > 1:
		return f, usagef("unexpected argument %q: init takes one DIR", rest[1])
	}
	f.dir = rest[0]
	if f.module == "" {
		f.module = projectName(f.dir)
	}
	if !modulePathRE.MatchString(f.module) || strings.Contains(f.module, "..") {
		return f, usagef("--module %q is not a Go module path: want elements of letters, digits, '.', '_', '~' or '-' joined by /, such as github.com/acme/shop", f.module)
	}
	f.fn.topic = orDefault(f.fn.topic, f.fn.name)
	f.fn.dir = f.dir
	return f, checkNewFlags(&f.fn)
}

// checkInitDir refuses a DIR that is a file, or a directory with anything
// in it.
func checkInitDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			return fmt.Errorf("%s is a file: rocketfn init creates a project in a new or empty directory", dir)
		}
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty (it has %s): rocketfn init creates a project in a new or empty directory; "+
			"to add a function to a project, run rocketfn new NAME --topic TOPIC --dir %s", dir, entries[0].Name(), dir)
	}
	return nil
}

// projectData is what the templates of project/ are executed with.
type projectData struct {
	Module, GoVersion, Version, Replace          string
	Name, Template, Topic, SampleTag, SampleBody string
}

// sampleBodies are bodies the handler of each template takes, as its
// doc.go shows them.
var sampleBodies = map[string]string{
	"basic":      `{"id":"1001","text":"hello"}`,
	"tablestore": `{"id":"1001","name":"alice","count":3}`,
	"batch":      `{"sku":"sku-1","quantity":3}`,
	"ordered":    `{"key":"a","seq":1,"value":"a1"}`,
}

// projectFiles renders go.mod, README.md and .gitignore.
func projectFiles(f initFlags, dep dependency, d newData) (map[string][]byte, error) {
	data := projectData{Module: f.module, GoVersion: goDirective, Version: dep.Version, Replace: dep.Replace,
		Name: d.Name, Template: d.Template, Topic: d.Topic, SampleTag: d.SampleTag, SampleBody: sampleBodies[d.Template]}
	files := map[string][]byte{}
	for name, tmpl := range map[string]string{"go.mod": "go.mod.tmpl", "README.md": "README.md.tmpl", ".gitignore": "gitignore.tmpl"} {
		s, err := renderTemplate("project/"+tmpl, data)
		if err != nil {
			return nil, err
		}
		files[name] = []byte(s)
	}
	return files, nil
}

// writeProject creates dir with files and the first function. When
// anything fails, what it wrote is removed again.
func writeProject(dir string, files map[string][]byte, plan *newPlan) (err error) {
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer func() {
		if err == nil {
			return
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			os.RemoveAll(dir)
			return
		}
		entries, _ := os.ReadDir(dir) // it was empty
		for _, e := range entries {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return plan.write()
}

// reportInit prints what init wrote and what to do next.
func reportInit(w io.Writer, f initFlags, dep dependency, files map[string][]byte, plan *newPlan) {
	fmt.Fprintf(w, "Created the project %s in %s:\n\n", f.module, f.dir)
	names := []string{"go.sum", "s.yaml"}
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %s\n", filepath.Join(f.dir, name))
	}
	for _, rel := range plan.fileNames() {
		fmt.Fprintf(w, "  %s\n", filepath.Join(plan.fnDir, rel))
	}
	d := plan.data
	fmt.Fprintf(w, "\ngo.mod: %s.\n", dep)
	fmt.Fprintf(w, "Function %s (the %s template) consumes topic %s (tags %s) through trigger %s-rocketmq (%s).\n",
		d.Name, d.Template, d.Topic, d.Tag, d.Name, d.Mode)
	fmt.Fprintf(w, "\nNext:\n\n  cd %s\n  go test ./...\n  rocketfn invoke %s --body '%s'\n  rocketfn dev\n",
		f.dir, d.Name, sampleBodies[d.Template])
}

// goModTidy runs go mod tidy in dir, so that go.mod and go.sum hold what
// the functions import.
func goModTidy(dir string) error {
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %w\n%s", dir, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// tidyProject runs go mod tidy in the module that holds dir when that is
// a project of its own (one rocketfn init made, say), so that its go.mod
// and go.sum have what a new function imports; rocketfn's own checkout is
// left alone. Without a go.mod it says how to make one.
func tidyProject(dir string, stdout io.Writer) error {
	root, err := moduleRoot(dir)
	if err != nil {
		return err
	}
	if root == "" {
		fmt.Fprintf(stdout, "\nThere is no go.mod in %s or above it, so the function cannot build yet: "+
			"rocketfn init DIR makes a project with one; for this directory, run go mod init MODULE, then go mod tidy.\n", dir)
		return nil
	}
	src, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	if modulePath(src) == rocketfnModule {
		return nil
	}
	if err := goModTidy(root); err != nil {
		return fmt.Errorf("the function is written, but %w\nFix the cause, then run go mod tidy in %s", err, root)
	}
	fmt.Fprintf(stdout, "\nRan go mod tidy in %s for the function's imports.\n", root)
	return nil
}

// moduleRoot is the nearest directory at or above dir with a go.mod, ""
// when there is none.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err == nil {
			return abs, nil
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", nil
		}
		abs = parent
	}
}

// initUsage prints the command's help.
func initUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn init DIR [flags]

Creates a rocketfn project in DIR, a new or empty directory: go.mod, s.yaml,
a first function from a rocketfn new template (functions/NAME with its
handler, test and sample payload, and its trigger in s.yaml), README.md and
.gitignore, then runs go mod tidy. The project builds and passes its tests
on its own (go build ./... and go test ./... in DIR), and rocketfn new adds
functions to it (running go mod tidy for their imports).

go.mod requires github.com/rocketfn/rocketfn as this rocketfn was built:

  - a published rocketfn (go install github.com/rocketfn/rocketfn/cmd/rocketfn@VERSION):
    the version of its build information;
  - one built from a checkout (go install ./cmd/rocketfn, go build, go run: its
    version is (devel), or a pseudo-version with a VCS stamp), which no proxy
    serves: `+unpublishedVersion+`, replaced with the
    checkout: --rocketfn-source, else the checkout the binary was built in (it
    records its source paths, unless built with -trimpath), else the module of
    the current directory (go env GOMOD) when it is rocketfn's.

rocketfn version prints which applies.
`, initExamples, `
Examples:

  rocketfn init shop
  rocketfn init shop --module github.com/acme/shop --function orders --template tablestore
  rocketfn init . --function greet --topic greetings --tag 'hello||bye'

Then, in DIR: go test ./..., rocketfn invoke NAME --body BODY, rocketfn dev.
`)
}
