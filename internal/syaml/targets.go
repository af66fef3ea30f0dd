package syaml

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// envRef matches ${env(NAME)}, ${env('NAME')}, ${env("NAME")} and
// ${env.NAME}.
var envRef = regexp.MustCompile(`^env(?:\(\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*\)|\.([A-Za-z_][A-Za-z0-9_]*))$`)

// configRef matches ${config('KEY')}, ${config("KEY")}, ${config(KEY)}
// and ${config.KEY}: a key of the Serverless Devs access configuration.
var configRef = regexp.MustCompile(`^config(?:\(\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*\)|\.([A-Za-z_][A-Za-z0-9_]*))$`)

// target returns the node expr names, or nil and the reason it cannot be
// resolved here. Supported: env, vars.x, this.name, this.access, this.x
// (this.props.x), resources.r.x, services.s.x, r.x for a resource r, and
// functionName inside a function's props, as the fc and fc3 trigger
// examples use it in eventRuleFilterPattern.
func (p *parser) target(expr string, line int) (*yaml.Node, string) {
	if m := envRef.FindStringSubmatch(expr); m != nil {
		return p.env(m[1]+m[2], line)
	}
	if m := configRef.FindStringSubmatch(expr); m != nil {
		return p.config(m[1]+m[2], line)
	}
	head, rest, _ := strings.Cut(expr, ".")
	switch {
	case expr == "functionName" && p.scope.function != "":
		return strNode(p.scope.function, line), ""
	case head == "vars":
		return walk(p.vars, rest)
	case expr == "this.name" && p.scope.node != nil:
		return strNode(p.scope.resource, line), ""
	case expr == "this.access" && p.scope.node != nil:
		return strNode(p.scope.access, line), ""
	case head == "this" && p.scope.node != nil:
		return walk(p.scope.node, rest)
	case head == "resources" || head == "services":
		return p.resource(rest)
	case strings.HasPrefix(expr, "config(") || strings.HasPrefix(expr, "config."):
		return nil, "reads the Serverless Devs access configuration, which is not available here"
	case strings.HasPrefix(expr, "file(") || strings.HasPrefix(expr, "path("):
		return nil, "reads another file, which is not supported"
	}
	if t, _ := walk(p.resources, head); t != nil {
		return p.resource(expr)
	}
	return nil, "is not a reference this package resolves"
}

// config reads a key of the access configuration through the lookup the
// caller gave.
func (p *parser) config(key string, line int) (*yaml.Node, string) {
	if p.lookupConfig != nil {
		if v, ok := p.lookupConfig(key); ok {
			return strNode(v, line), ""
		}
	}
	return nil, "reads the Serverless Devs access configuration, which is not available here"
}

// env reads an environment variable through the lookup the caller gave.
func (p *parser) env(name string, line int) (*yaml.Node, string) {
	if p.lookupEnv == nil {
		return nil, "needs the environment, which was not given (WithEnv)"
	}
	v, ok := p.lookupEnv(name)
	if !ok {
		return nil, "names an environment variable that is not set"
	}
	// Typed as if written in place of the reference: "60" is a number.
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: line}, ""
}

// resource resolves "name.props.x" against resources or services; deploy
// outputs are not known before s deploy.
func (p *parser) resource(path string) (*yaml.Node, string) {
	_, rest, _ := strings.Cut(path, ".")
	if rest == "output" || strings.HasPrefix(rest, "output.") {
		return nil, "is a deploy output, known only after s deploy"
	}
	return walk(p.resources, path)
}

// walk follows a dotted path of mapping keys and sequence indexes.
func walk(n *yaml.Node, path string) (*yaml.Node, string) {
	if path == "" {
		return nil, "is incomplete"
	}
	for _, seg := range strings.Split(path, ".") {
		n = child(deref(n), seg)
		if n == nil {
			return nil, "is not defined"
		}
	}
	return n, ""
}

// child returns the value of key seg in a mapping (explicit keys first,
// then "<<" merges) or of index seg in a sequence.
func child(n *yaml.Node, seg string) *yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil
		}
		return n.Content[i]
	case n.Kind != yaml.MappingNode:
		return nil
	}
	var merged *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if k.Value == seg && k.ShortTag() != "!!merge" {
			return n.Content[i+1]
		}
		if k.ShortTag() == "!!merge" && merged == nil {
			if m := deref(n.Content[i+1]); m != nil && m.Kind == yaml.MappingNode {
				merged = childNoMerge(m, seg)
			}
		}
	}
	return merged
}

// childNoMerge returns the value of key seg in a mapping, ignoring merges.
func childNoMerge(n *yaml.Node, seg string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == seg {
			return n.Content[i+1]
		}
	}
	return nil
}

// strNode is a string scalar at line.
func strNode(s string, line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Line: line}
}
