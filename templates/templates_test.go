package templates

import (
	"io/fs"
	"slices"
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
