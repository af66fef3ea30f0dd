package templates

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTemplatesComplete checks that every template has the files a
// function needs, and nothing that is not a template.
func TestTemplatesComplete(t *testing.T) {
	want := []string{"doc.go.tmpl", "handler.go.tmpl", "handler_test.go.tmpl", "main.go.tmpl", "testdata/event.json.tmpl"}
	for _, name := range Names {
		var got []string
		err := fs.WalkDir(FS, name, func(path string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				got = append(got, path[len(name)+1:])
			}
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("template %s has %v, want %v", name, got, want)
		}
	}
	for _, f := range []string{"resource.yaml.tmpl", "s.yaml.tmpl"} {
		if _, err := fs.Stat(FS, f); err != nil {
			t.Error(err)
		}
	}
}

// moduleImport matches an import of a package of this module.
var moduleImport = regexp.MustCompile(`"github\.com/rocketfn/rocketfn/([^"]*)"`)

// TestTemplatesImportPublicPackagesOnly checks that the Go files the
// templates render import no internal package of this module: they go
// into the user's module, where such an import does not compile.
func TestTemplatesImportPublicPackagesOnly(t *testing.T) {
	seen := 0
	err := fs.WalkDir(FS, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go.tmpl") {
			return err
		}
		src, err := fs.ReadFile(FS, path)
		if err != nil {
			return err
		}
		for _, m := range moduleImport.FindAllStringSubmatch(string(src), -1) {
			seen++
			if pkg := "/" + m[1] + "/"; strings.Contains(pkg, "/internal/") {
				t.Errorf("%s imports %s, which a user's module cannot import", path, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("no template imports a package of this module: the pattern matches nothing")
	}
}
