package syaml

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// field is one key of a mapping.
type field struct {
	key     string
	keyLine int
	v       val
	merged  bool // came from a "<<" merge key
}

// fieldMap is a mapping's keys in file order, with "<<" merges applied.
type fieldMap struct {
	path  string
	line  int // line of the key holding the mapping
	list  []field
	index map[string]int
}

// get returns the value under key.
func (m *fieldMap) get(key string) (val, bool) {
	if m == nil {
		return val{}, false
	}
	i, ok := m.index[key]
	if !ok {
		return val{path: join(m.path, key), keyLine: m.line}, false
	}
	return m.list[i].v, true
}

// lineOf returns the line of key, or the mapping's line when key is absent.
func (m *fieldMap) lineOf(key string) int {
	if i, ok := m.index[key]; ok {
		return m.list[i].keyLine
	}
	return m.line
}

// mapping reads v as a mapping. An absent or null value is an empty
// mapping. Any other kind is an error naming the line, and ok is false.
func (p *parser) mapping(v val) (*fieldMap, bool) {
	m := &fieldMap{path: v.path, line: v.line(), index: map[string]int{}}
	if v.isNull() {
		return m, true
	}
	if v.n.Kind != yaml.MappingNode {
		p.errorf(v.line(), v.path, "must be a mapping, got %s", kindName(v.n))
		return nil, false
	}
	p.addFields(m, v.n, false, nil)
	return m, true
}

// addFields adds the key/value pairs of n to m. Explicit keys replace
// merged ones; merged keys never replace what is already there. merging
// holds the mappings whose "<<" keys led here.
func (p *parser) addFields(m *fieldMap, n *yaml.Node, merged bool, merging []*yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			p.errorf(n.Content[i].Line, m.path, "mapping keys must be strings")
			continue
		}
		if k.ShortTag() == "!!merge" {
			p.merge(m, k.Line, v, append(merging, n))
			continue
		}
		p.addField(m, field{key: k.Value, keyLine: k.Line, merged: merged}, v)
	}
}

// addField stores one key, reporting a key written twice.
func (p *parser) addField(m *fieldMap, f field, n *yaml.Node) {
	i, dup := m.index[f.key]
	if dup && f.merged {
		return
	}
	if dup && !m.list[i].merged {
		p.errorf(f.keyLine, join(m.path, f.key), "key repeated (first at line %d)", m.list[i].keyLine)
		return
	}
	f.v = p.value(n, join(m.path, f.key), f.keyLine)
	if dup {
		m.list[i] = f
		return
	}
	m.index[f.key] = len(m.list)
	m.list = append(m.list, f)
}

// merge applies a "<<" key whose value is a mapping or a sequence of them.
// Each merged mapping spends the visit budget, and a mapping that merges
// itself is an error.
func (p *parser) merge(m *fieldMap, line int, n *yaml.Node, merging []*yaml.Node) {
	var sources []*yaml.Node
	switch n = deref(n); {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		sources = []*yaml.Node{n}
	case n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			sources = append(sources, deref(c))
		}
	}
	if len(sources) == 0 {
		p.errorf(line, join(m.path, "<<"), "merge key needs a mapping or a sequence of mappings")
	}
	for _, src := range sources {
		switch {
		case src == nil || src.Kind != yaml.MappingNode:
			p.errorf(line, join(m.path, "<<"), "merge key needs mappings")
		case containsNode(merging, src) || len(merging) >= maxMerge:
			p.errorf(line, join(m.path, "<<"), "merge key refers to a mapping that contains it, or nests too deeply")
		case p.budget <= len(src.Content):
			p.errorf(line, "", "document too large or too deeply aliased")
			p.budget = 0
		default:
			p.budget -= len(src.Content)
			p.addFields(m, src, true, merging)
		}
	}
}

// containsNode reports whether list holds n.
func containsNode(list []*yaml.Node, n *yaml.Node) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// checkKeys warns about keys of m outside allowed. Key names are
// case-sensitive in FC and EventBridge, so "GroupId" for "GroupID" is
// caught here.
func (p *parser) checkKeys(m *fieldMap, allowed ...string) {
	if m == nil {
		return
	}
	for _, f := range m.list {
		if !contains(allowed, f.key) {
			p.warnf(f.keyLine, join(m.path, f.key), "unknown key (known: %s)", strings.Join(sorted(allowed), ", "))
		}
	}
}

// items reads v as a sequence; absent or null is empty.
func (p *parser) items(v val) ([]val, bool) {
	if v.isNull() {
		return nil, true
	}
	if v.n.Kind != yaml.SequenceNode {
		p.errorf(v.line(), v.path, "must be a sequence, got %s", kindName(v.n))
		return nil, false
	}
	out := make([]val, 0, len(v.n.Content))
	for i, c := range v.n.Content {
		out = append(out, p.value(c, index(v.path, i), c.Line))
	}
	return out, true
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sorted returns a sorted copy of list.
func sorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}
