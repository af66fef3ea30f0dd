package syaml

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep hostile input (alias bombs, reference cycles, deep
// nesting) from taking unbounded time or memory.
const (
	nodeBudget   = 10    // values visited per node written in the file
	minBudget    = 20000 // values visited, for small files
	maxRefs      = 4000  // ${...} references resolved per file
	maxDepth     = 64    // nesting of mappings and sequences
	maxAliasHops = 32    // alias chains
	maxMerge     = 8     // nested "<<" merge keys
)

// parser holds the state of one Parse call.
type parser struct {
	path         string
	dir          string
	lookupEnv    func(string) (string, bool)
	lookupConfig func(string) (string, bool)

	errs    ErrorList
	warns   []Warning
	refWarn map[string]int  // unresolved reference and reason -> index in warns
	seen    map[string]bool // messages already recorded

	budget    int // values left to visit
	refBudget int // references left to resolve

	vars      *yaml.Node                // the vars mapping, for ${vars.x}
	resources *yaml.Node                // resources or services, for ${name.props.x}
	access    string                    // top-level access, for ${this.access}
	scope     scope                     // the resource being read
	resolved  map[*yaml.Node]*yaml.Node // resolve's results in this scope; nil while in progress
}

// val is a YAML value with the key path and line that led to it. n has its
// aliases followed and its ${...} references resolved; it is nil when the
// key is absent.
type val struct {
	n       *yaml.Node
	path    string
	keyLine int // line of the key (or sequence entry) holding the value
}

// line is the line to name in messages about v.
func (v val) line() int {
	if v.keyLine > 0 || v.n == nil {
		return v.keyLine
	}
	return v.n.Line
}

// isNull reports whether v is absent or an explicit null.
func (v val) isNull() bool {
	return v.n == nil || (v.n.Kind == yaml.ScalarNode && v.n.ShortTag() == "!!null")
}

// errorf records an error at line and key path, once.
func (p *parser) errorf(line int, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	line = max(line, 1)
	id := fmt.Sprintf("E%d|%s|%s", line, key, msg)
	if p.seen[id] {
		return
	}
	p.seen[id] = true
	p.errs = append(p.errs, &Error{File: p.file(), Line: line, Key: key, Msg: msg})
}

// warnf records a warning at line and key path, once.
// warnRef records that the reference expr cannot be resolved, once per
// reference and reason: further places that hold the same reference are
// added to the warning's Also.
func (p *parser) warnRef(line int, key, expr, why string) {
	line = max(line, 1)
	id := "R|" + expr + "|" + why
	if i, ok := p.refWarn[id]; ok {
		if w := &p.warns[i]; w.Line != line && !slices.Contains(w.Also, line) {
			w.Also = append(w.Also, line)
		}
		return
	}
	if p.refWarn == nil {
		p.refWarn = map[string]int{}
	}
	p.refWarn[id] = len(p.warns)
	p.warns = append(p.warns, Warning{Line: line, Key: key, Ref: expr, Message: fmt.Sprintf("${%s} %s; left as is", expr, why)})
}

func (p *parser) warnf(line int, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	line = max(line, 1)
	id := fmt.Sprintf("W%d|%s|%s", line, key, msg)
	if p.seen[id] {
		return
	}
	p.seen[id] = true
	p.warns = append(p.warns, Warning{Line: line, Key: key, Message: msg})
}

// value follows n's aliases and resolves its references. It spends one
// unit of the node budget; when the budget is gone it returns an absent
// value and records one error.
func (p *parser) value(n *yaml.Node, path string, keyLine int) val {
	if p.budget <= 0 {
		p.errorf(keyLine, "", "document too large or too deeply aliased")
		return val{path: path, keyLine: keyLine}
	}
	p.budget--
	n = deref(n)
	if n == nil {
		return val{path: path, keyLine: keyLine}
	}
	return val{n: p.resolve(n, path, 0), path: path, keyLine: keyLine}
}

// countNodes counts the nodes written in the document, not following
// aliases; the visit budget is proportional to it, so that aliases cannot
// multiply the work.
func countNodes(root *yaml.Node) int {
	count, stack := 0, []*yaml.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		stack = append(stack, n.Content...)
	}
	return count
}

// deref follows an alias chain to the node it names; nil for a chain too
// long or broken, and for a document node's missing content.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode); i++ {
		if i == maxAliasHops {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		case "!!null":
			return "null"
		}
		return "string " + quote(n.Value)
	}
	return "unknown node"
}

// maxQuote is how much of a value messages show.
const maxQuote = 60

// quote quotes s for a message, shortening it to maxQuote bytes.
func quote(s string) string {
	if len(s) > maxQuote {
		return strconv.Quote(strings.ToValidUTF8(s[:maxQuote], "")) + "..."
	}
	return strconv.Quote(s)
}

// join appends key to path with a dot.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a sequence index to path.
func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}
