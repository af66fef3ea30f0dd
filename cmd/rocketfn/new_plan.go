package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// newPlan is everything "rocketfn new" writes, rendered and checked
// before anything is written.
type newPlan struct {
	data     newData
	fnDir    string            // functions/NAME under the project directory
	files    map[string][]byte // the function's files, by path relative to fnDir
	yamlPath string
	yaml     []byte // s.yaml with the function added
	created  bool   // s.yaml did not exist
	line     int    // line of the new resource in yaml
}

// planNew renders the function and the new s.yaml, refusing a name that
// s.yaml or functions/ already has and an s.yaml with errors.
func planNew(f newFlags) (*newPlan, error) {
	p := &newPlan{fnDir: filepath.Join(f.dir, "functions", f.name), yamlPath: filepath.Join(f.dir, "s.yaml")}
	if _, err := os.Stat(p.fnDir); err == nil {
		return nil, fmt.Errorf("%s already exists: choose another name, or remove the directory", p.fnDir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	src, proj, err := p.readYAML(f.dir, f.name)
	if err != nil {
		return nil, err
	}
	p.data = newTemplateData(f, proj.Vars)
	if p.files, err = renderFunction(p.data); err != nil {
		return nil, err
	}
	block, err := renderTemplate("resource.yaml.tmpl", p.data)
	if err != nil {
		return nil, err
	}
	if p.yaml, err = insertResource(src, block); err != nil {
		return nil, fmt.Errorf("%s: %w", p.yamlPath, err)
	}
	return p, p.checkYAML(f)
}

// readYAML reads s.yaml, or starts one from the template when there is
// none, and refuses a file with errors or with the name already taken.
func (p *newPlan) readYAML(dir, name string) ([]byte, *syaml.Project, error) {
	src, err := os.ReadFile(p.yamlPath)
	if errors.Is(err, fs.ErrNotExist) {
		p.created = true
		src, err = renderProjectYAML(dir)
	}
	if err != nil {
		return nil, nil, err
	}
	proj, err := syaml.Parse(src, dir, syaml.WithFile(p.yamlPath))
	if err != nil {
		return nil, nil, fmt.Errorf("%s has errors; fix them before adding a function:\n%w", p.yamlPath, err)
	}
	if proj.Edition == "1.0.0" {
		return nil, nil, fmt.Errorf("%s uses the fc component (edition 1.0.0); rocketfn new adds fc3 resources (edition 3.0.0)", p.yamlPath)
	}
	for _, fn := range proj.Functions {
		if fn.Resource == name || fn.Name == name {
			return nil, nil, fmt.Errorf("%s:%d: s.yaml already has a function %q (resource %s): choose another name",
				p.yamlPath, fn.Line, name, fn.Resource)
		}
	}
	return src, proj, nil
}

// checkYAML parses the new s.yaml and checks the function is there with
// its trigger, so that a layout the insertion misread writes nothing.
func (p *newPlan) checkYAML(f newFlags) error {
	proj, err := syaml.Parse(p.yaml, f.dir, syaml.WithFile(p.yamlPath))
	if err != nil {
		return fmt.Errorf("%s with %s added does not parse, so nothing was written; add it by hand:\n%w", p.yamlPath, f.name, err)
	}
	fn := proj.Function(f.name)
	if fn == nil || len(fn.Triggers) != 1 || fn.Triggers[0].Topic != f.topic {
		return fmt.Errorf("%s with %s added does not read back as the function and its trigger, so nothing was written; add it by hand",
			p.yamlPath, f.name)
	}
	p.line = fn.Line
	return nil
}

// write creates the function's directory and files, then replaces
// s.yaml. If s.yaml cannot be written the directory is removed again.
func (p *newPlan) write() error {
	if err := os.MkdirAll(filepath.Dir(p.fnDir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(p.fnDir, 0o755); err != nil {
		return fmt.Errorf("create the function directory: %w", err)
	}
	for _, rel := range p.fileNames() {
		path := filepath.Join(p.fnDir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			os.RemoveAll(p.fnDir)
			return err
		}
		if err := os.WriteFile(path, p.files[rel], 0o644); err != nil {
			os.RemoveAll(p.fnDir)
			return err
		}
	}
	if err := replaceFile(p.yamlPath, p.yaml); err != nil {
		os.RemoveAll(p.fnDir)
		return fmt.Errorf("write %s: %w", p.yamlPath, err)
	}
	return nil
}

// fileNames are the function's files in order.
func (p *newPlan) fileNames() []string {
	names := make([]string, 0, len(p.files))
	for rel := range p.files {
		names = append(names, rel)
	}
	sort.Strings(names)
	return names
}

// report prints what was written and what to do next.
func (p *newPlan) report(w io.Writer) {
	d := p.data
	fmt.Fprintf(w, "Created %s from the %s template:\n\n", p.fnDir, d.Template)
	for _, rel := range p.fileNames() {
		fmt.Fprintf(w, "  %s\n", filepath.Join(p.fnDir, rel))
	}
	verb := "Added"
	if p.created {
		verb = "Created " + p.yamlPath + " and added"
	}
	fmt.Fprintf(w, "\n%s the function to %s:%d, with trigger %s-rocketmq (topic %s, tags %s, %s).\n",
		verb, p.yamlPath, p.line, d.Name, d.Topic, d.Tag, d.Mode)
	fmt.Fprintf(w, "\nNext:\n\n  go test %s\n  rocketfn verify --file %s\n  rocketfn dev --file %s\n",
		goPackagePath(p.fnDir), p.yamlPath, p.yamlPath)
}

// goPackagePath is dir as the go command takes a package directory.
func goPackagePath(dir string) string {
	s := filepath.ToSlash(dir)
	if filepath.IsAbs(dir) || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
		return s
	}
	return "./" + s
}

// replaceFile writes data to path through a temporary file in the same
// directory, so that readers see the old file or the new one, whole.
func replaceFile(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// projectName is a Serverless Devs project name for dir: its base name,
// with characters other than letters, digits, _ and - made -.
func projectName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, filepath.Base(abs))
	if name == "" || name == "-" {
		return "rocketfn-app"
	}
	return name
}
