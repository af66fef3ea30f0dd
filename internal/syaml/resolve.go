package syaml

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// refPattern matches one ${...} reference.
var refPattern = regexp.MustCompile(`\$\{([^{}]*)\}`)

// Limits on reference resolution.
const (
	maxRefDepth = 16      // references inside referenced values
	maxString   = 1 << 16 // bytes a string may grow to by interpolation
)

// scope is the resource whose props are being read, for ${this.x} and
// ${functionName}.
type scope struct {
	resource string     // resource key, for ${this.name}
	node     *yaml.Node // resource node, for ${this.props.x}
	access   string     // resource access, for ${this.access}
	function string     // functionName, for ${functionName}
}

// resolve substitutes the references in a scalar. A value that is exactly
// one reference takes the referenced value with its type (a number stays a
// number, a mapping stays a mapping); references inside a longer string
// are replaced by their text. A reference that cannot be resolved stays as
// written and is recorded as a warning.
//
// Results are cached per node for the current scope, so a value reached
// many times (through aliases or repeated reads) is resolved once, and a
// node met again while it is being resolved is a cycle.
func (p *parser) resolve(n *yaml.Node, path string, depth int) *yaml.Node {
	if n.Kind != yaml.ScalarNode || !strings.Contains(n.Value, "${") {
		return n
	}
	if r, ok := p.resolved[n]; ok {
		if r == nil { // in progress: lookup reports the cycle
			return n
		}
		return r
	}
	locs := refPattern.FindAllStringSubmatchIndex(n.Value, -1)
	if len(locs) == 0 {
		return n
	}
	if p.resolved == nil {
		p.resolved = map[*yaml.Node]*yaml.Node{}
	}
	p.resolved[n] = nil // in progress
	var r *yaml.Node
	if len(locs) == 1 && locs[0][0] == 0 && locs[0][1] == len(n.Value) {
		r = p.whole(n, n.Value[locs[0][2]:locs[0][3]], path, depth)
	} else {
		r = p.interpolate(n, locs, path, depth)
	}
	p.resolved[n] = r
	return r
}

// whole resolves a scalar that is exactly one reference.
func (p *parser) whole(n *yaml.Node, expr, path string, depth int) *yaml.Node {
	t, ok := p.lookup(expr, n, path, depth)
	if !ok {
		return n
	}
	if t.Kind != yaml.ScalarNode {
		return t
	}
	c := *t
	c.Line, c.Column, c.Anchor = n.Line, n.Column, ""
	return &c
}

// interpolate replaces each reference inside a longer string by its text.
func (p *parser) interpolate(n *yaml.Node, locs [][]int, path string, depth int) *yaml.Node {
	var b strings.Builder
	last, changed := 0, false
	for _, l := range locs {
		b.WriteString(n.Value[last:l[0]])
		last = l[1]
		expr := n.Value[l[2]:l[3]]
		t, ok := p.lookup(expr, n, path, depth)
		switch {
		case !ok:
			b.WriteString(n.Value[l[0]:l[1]])
		case t.Kind != yaml.ScalarNode:
			p.warnf(n.Line, path, "${%s} is a %s and cannot be part of a string; left as is", expr, kindName(t))
			b.WriteString(n.Value[l[0]:l[1]])
		default:
			changed = true
			if t.ShortTag() != "!!null" {
				b.WriteString(t.Value)
			}
		}
		if b.Len() > maxString {
			p.warnf(n.Line, path, "references expand to more than %d bytes; left as is", maxString)
			return n
		}
	}
	if !changed {
		return n
	}
	b.WriteString(n.Value[last:])
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: b.String(), Line: n.Line, Column: n.Column}
}

// lookup finds what expr refers to and resolves the references that value
// holds in turn. It records a warning and returns false when it cannot.
func (p *parser) lookup(expr string, at *yaml.Node, path string, depth int) (*yaml.Node, bool) {
	if depth >= maxRefDepth {
		p.warnf(at.Line, path, "${%s} nests references too deeply (a cycle?); left as is", expr)
		return nil, false
	}
	if p.refBudget <= 0 {
		p.warnf(at.Line, path, "more than %d references; ${%s} left as is", maxRefs, expr)
		return nil, false
	}
	p.refBudget--
	expr = strings.TrimSpace(expr)
	t, why := p.target(expr, at.Line)
	if t = deref(t); t == nil {
		if why == "" {
			why = "is a broken alias"
		}
		p.warnRef(at.Line, path, expr, why)
		return nil, false
	}
	if r, ok := p.resolved[t]; ok && r == nil {
		p.warnf(at.Line, path, "${%s} is part of a reference cycle; left as is", expr)
		return nil, false
	}
	return p.resolve(t, path, depth+1), true
}
