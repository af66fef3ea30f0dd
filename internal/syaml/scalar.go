package syaml

import (
	"fmt"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// asString reads v as a string. Numbers and booleans are taken as written
// (GroupID: 001 is "001"). ok is false for an absent or null value and
// for a mapping or sequence, which is an error.
func (p *parser) asString(v val) (string, bool) {
	if v.isNull() {
		return "", false
	}
	if v.n.Kind != yaml.ScalarNode {
		p.errorf(v.line(), v.path, "must be a string, got %s", kindName(v.n))
		return "", false
	}
	return v.n.Value, true
}

// asInt reads v as an integer. A string is an error (timeout: "60"), unless
// it is an unresolved reference, which already has its warning.
func (p *parser) asInt(v val) (int64, bool) {
	if v.isNull() || unresolved(v.n) {
		return 0, false
	}
	if v.n.Kind != yaml.ScalarNode || v.n.ShortTag() != "!!int" {
		if v.n.ShortTag() == "!!float" {
			p.errorf(v.line(), v.path, "%s", floatProblem(v.n))
			return 0, false
		}
		p.errorf(v.line(), v.path, "must be a number, got %s", kindName(v.n))
		return 0, false
	}
	var i int64
	if err := safeDecode(v.n, &i); err != nil {
		p.errorf(v.line(), v.path, "%s is not a valid 64-bit integer", v.n.Value)
		return 0, false
	}
	return i, true
}

// floatProblem explains why a float is not an integer: it has a fraction
// or, like 99999999999999999999, it does not fit in 64 bits.
func floatProblem(n *yaml.Node) string {
	var f float64
	if err := safeDecode(n, &f); err == nil && f == math.Trunc(f) && !math.IsInf(f, 0) {
		return fmt.Sprintf("number %s out of range", n.Value)
	}
	return fmt.Sprintf("must be a whole number, got %s", n.Value)
}

// asRange reads v as an integer in [lo, hi].
func (p *parser) asRange(v val, lo, hi int64) (int, bool) {
	i, ok := p.asInt(v)
	if !ok {
		return 0, false
	}
	if i < lo || i > hi {
		p.errorf(v.line(), v.path, "must be between %d and %d, got %d", lo, hi, i)
		return 0, false
	}
	return int(i), true
}

// maxSeconds bounds durations so that they fit a time.Duration.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// asSeconds reads v as a whole number of seconds in [lo, hi].
func (p *parser) asSeconds(v val, lo, hi int64) (time.Duration, bool) {
	s, ok := p.asRange(v, lo, min(hi, maxSeconds))
	return time.Duration(s) * time.Second, ok
}

// asBool reads v as true or false.
func (p *parser) asBool(v val) (bool, bool) {
	if v.isNull() || unresolved(v.n) {
		return false, false
	}
	if v.n.Kind != yaml.ScalarNode || v.n.ShortTag() != "!!bool" {
		p.errorf(v.line(), v.path, "must be true or false, got %s", kindName(v.n))
		return false, false
	}
	var b bool
	if err := safeDecode(v.n, &b); err != nil {
		p.errorf(v.line(), v.path, "must be true or false, got %s", kindName(v.n))
		return false, false
	}
	return b, true
}

// asStrings reads v as a sequence of strings.
func (p *parser) asStrings(v val) ([]string, bool) {
	items, ok := p.items(v)
	if !ok || len(items) == 0 {
		return nil, ok
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s, ok := p.asString(it); ok {
			out = append(out, s)
		} else if it.isNull() {
			p.errorf(it.line(), it.path, "must be a string, got null")
		}
	}
	return out, true
}

// oneOf reads v as a string that must be one of allowed.
func (p *parser) oneOf(v val, allowed ...string) (string, bool) {
	s, ok := p.asString(v)
	if !ok || unresolved(v.n) {
		return "", false
	}
	if !contains(allowed, s) {
		p.errorf(v.line(), v.path, "must be one of %s, got %s", strings.Join(allowed, ", "), quote(s))
		return "", false
	}
	return s, true
}

// optString reads the string under key of m; "" when absent.
func (p *parser) optString(m *fieldMap, key string) (string, bool) {
	v, _ := m.get(key)
	return p.asString(v)
}

// unresolved reports whether n is a string still holding a ${...}
// reference, which resolve has already warned about.
func unresolved(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && refPattern.MatchString(n.Value)
}

// safeDecode decodes a scalar node, turning a panic in the YAML library
// into an error.
func safeDecode(n *yaml.Node, out any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return n.Decode(out)
}
