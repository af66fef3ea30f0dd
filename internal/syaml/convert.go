package syaml

import (
	"math"

	"go.yaml.in/yaml/v3"
)

// toMap converts a mapping to map[string]any, or returns nil with an error
// when v is not a mapping.
func (p *parser) toMap(v val) map[string]any {
	m, ok := p.toAny(v, nil).(map[string]any)
	if !ok {
		if !v.isNull() && v.n.Kind != yaml.MappingNode {
			p.errorf(v.line(), v.path, "must be a mapping, got %s", kindName(v.n))
		}
		return nil
	}
	return m
}

// toAny converts v to plain Go values: map[string]any, []any, string,
// bool, int, float64 and nil. References are resolved on the way. open
// holds the mappings and sequences being converted, to catch an anchor
// that contains an alias to itself.
func (p *parser) toAny(v val, open []*yaml.Node) any {
	if v.isNull() {
		return nil
	}
	if v.n.Kind != yaml.MappingNode && v.n.Kind != yaml.SequenceNode {
		return scalarAny(v.n)
	}
	for _, n := range open {
		if n == v.n {
			p.errorf(v.line(), v.path, "alias refers to a value that contains it")
			return nil
		}
	}
	if len(open) >= maxDepth {
		p.errorf(v.line(), v.path, "nested more than %d levels", maxDepth)
		return nil
	}
	open = append(open, v.n)
	if v.n.Kind == yaml.SequenceNode {
		items, _ := p.items(v)
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = p.toAny(it, open)
		}
		return out
	}
	m, _ := p.mapping(v)
	out := make(map[string]any, len(m.list))
	for _, f := range m.list {
		out[f.key] = p.toAny(f.v, open)
	}
	return out
}

// scalarAny converts a scalar by its resolved tag. Timestamps and binary
// values stay as written, and so does anything the YAML library cannot
// decode.
func scalarAny(n *yaml.Node) any {
	var out any
	switch n.ShortTag() {
	case "!!bool":
		var b bool
		out, _ = decodeOr(n, &b, n.Value)
	case "!!int":
		var i int
		out, _ = decodeOr(n, &i, n.Value)
	case "!!float":
		var f float64
		out, _ = decodeOr(n, &f, n.Value)
		if f, ok := out.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			out = n.Value
		}
	default:
		out = n.Value
	}
	return out
}

// decodeOr decodes n into ptr and returns the value it points to, or
// fallback when decoding fails.
func decodeOr[T any](n *yaml.Node, ptr *T, fallback string) (any, bool) {
	if err := safeDecode(n, ptr); err != nil {
		return fallback, false
	}
	return *ptr, true
}
