package main

// What verify and build read from s.yaml beyond package syaml's model: the
// line of every key (syaml keeps the lines of functions and triggers), and
// the resource-level pre-deploy actions, which name where a function is
// built from.

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rocketfn/rocketfn/internal/syaml"
)

// yamlDoc is an s.yaml read as YAML nodes.
type yamlDoc struct {
	root  *yaml.Node     // the top-level mapping; nil when the file is not one
	lines map[string]int // key path (as syaml writes it) → line
}

// readYAMLDoc reads src's nodes. A file that is not YAML gives an empty
// yamlDoc: package syaml reports that problem.
func readYAMLDoc(src []byte) yamlDoc {
	d := yamlDoc{lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return d
	}
	d.root = doc.Content[0]
	d.index(d.root, "")
	return d
}

// index records the line of every mapping key and sequence item under n.
// Aliases are not followed.
func (d yamlDoc) index(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			d.lines[p] = n.Content[i].Line
			d.index(n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = c.Line
			d.index(c, p)
		}
	}
}

// line is the line of the first of paths the file has, else fallback.
func (d yamlDoc) line(fallback int, paths ...string) int {
	for _, p := range paths {
		if l, ok := d.lines[p]; ok {
			return l
		}
	}
	return fallback
}

// yamlChild is the value of key in the mapping n, or nil.
func yamlChild(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// goBuildActionDir is the path of resource's pre-deploy action that runs
// go build, resolved against yamlDir: the directory s deploy builds the
// function in. "" when there is none.
func (d yamlDoc) goBuildActionDir(topKey, resource, yamlDir string) string {
	actions := yamlChild(yamlChild(yamlChild(yamlChild(d.root, topKey), resource), "actions"), "pre-deploy")
	if actions == nil || actions.Kind != yaml.SequenceNode {
		return ""
	}
	for _, a := range actions.Content {
		run, path := yamlChild(a, "run"), yamlChild(a, "path")
		if run == nil || path == nil || !strings.Contains(run.Value, "go build") || path.Value == "" {
			continue
		}
		if filepath.IsAbs(path.Value) {
			return filepath.Clean(path.Value)
		}
		return filepath.Join(yamlDir, path.Value)
	}
	return ""
}

// functionSource is the directory fn is built from: the path of its
// pre-deploy go build action when that holds Go files, else its code
// directory's source (syaml.SourceDir). "" when there is none.
func (d yamlDoc) functionSource(fn *syaml.Function, yamlDir string) string {
	top, _, _ := strings.Cut(fn.Key, ".")
	if dir := d.goBuildActionDir(top, fn.Resource, yamlDir); dir != "" && syaml.HasGoFiles(dir) {
		return dir
	}
	if fn.CodeDir == "" {
		return ""
	}
	return fn.SourceDir()
}
