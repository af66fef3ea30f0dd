package main

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// insertBlock is the resource the insertion tests add.
const insertBlock = "# added\nadded:\n  component: fc3\n  props:\n    functionName: added\n"

// TestInsertResource adds a resource to s.yaml layouts and checks the
// result: the exact text for each, which keeps every other byte.
func TestInsertResource(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"resources last",
			"edition: 3.0.0\nresources:\n    a:\n      component: fc3 # a\n",
			"edition: 3.0.0\nresources:\n    a:\n      component: fc3 # a\n\n    # added\n    added:\n      component: fc3\n      props:\n        functionName: added\n"},
		{"resources before another key, with its comment",
			"resources:\n  a:\n    component: fc3\n\n# the variables\nvars:\n  x: 1\n",
			"resources:\n  a:\n    component: fc3\n\n  # added\n  added:\n    component: fc3\n    props:\n      functionName: added\n\n# the variables\nvars:\n  x: 1\n"},
		{"a comment inside resources stays above",
			"resources:\n  a:\n    component: fc3\n  # b is gone\nvars: {}\n",
			"resources:\n  a:\n    component: fc3\n  # b is gone\n\n  # added\n  added:\n    component: fc3\n    props:\n      functionName: added\nvars: {}\n"},
		{"empty resources",
			"edition: 3.0.0\nresources:\nvars:\n  x: 1\n",
			"edition: 3.0.0\nresources:\n  # added\n  added:\n    component: fc3\n    props:\n      functionName: added\nvars:\n  x: 1\n"},
		{"no resources, no final newline",
			"edition: 3.0.0",
			"edition: 3.0.0\n\nresources:\n  # added\n  added:\n    component: fc3\n    props:\n      functionName: added\n"},
		{"CRLF",
			"resources:\r\n  a:\r\n    component: fc3\r\n",
			"resources:\r\n  a:\r\n    component: fc3\r\n\r\n  # added\r\n  added:\r\n    component: fc3\r\n    props:\r\n      functionName: added\r\n"},
	} {
		got, err := insertResource([]byte(c.src), insertBlock)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(got, &doc); err != nil {
			t.Errorf("%s: the result is not YAML: %v", c.name, err)
		}
	}
}

// TestInsertResourceRefuses checks the layouts it does not edit.
func TestInsertResourceRefuses(t *testing.T) {
	for src, want := range map[string]string{
		"resources: {a: 1}\n":  "flow style",
		"resources: ~\n":       "resources is set",
		"resources: [a]\n":     "not a mapping",
		"services:\n  a: {}\n": "edition 1.0.0",
		"- a\n":                "not a YAML mapping",
		"resources:\n  a: [\n": "read the YAML",
	} {
		if _, err := insertResource([]byte(src), insertBlock); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", src, err, want)
		}
	}
}
