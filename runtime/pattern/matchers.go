package pattern

import "strings"

// matcher is one compiled condition of a condition array.
type matcher interface {
	// match reports whether a single event value, never an array,
	// satisfies the condition.
	match(v any) bool
	// json returns the condition in canonical form, ready for
	// encoding/json.
	json() any
}

// exactString matches a string value equal to s.
type exactString struct{ s string }

func (m *exactString) match(v any) bool {
	s, ok := v.(string)
	return ok && s == m.s
}

func (m *exactString) json() any { return m.s }

// exactNumber matches a number value numerically equal to f.
type exactNumber struct{ f float64 }

func (m *exactNumber) match(v any) bool {
	f, ok := asNumber(v)
	return ok && f == m.f
}

func (m *exactNumber) json() any { return m.f }

// exactBool matches the boolean b.
type exactBool struct{ b bool }

func (m *exactBool) match(v any) bool {
	b, ok := v.(bool)
	return ok && b == m.b
}

func (m *exactBool) json() any { return m.b }

// exactNull matches a JSON null, but not a missing field.
type exactNull struct{}

func (m *exactNull) match(v any) bool { return v == nil }

func (m *exactNull) json() any { return nil }

// isExact reports whether m compares for equality, which lets Explain use
// plainer wording.
func isExact(m matcher) bool {
	switch m.(type) {
	case *exactString, *exactNumber, *exactBool, *exactNull:
		return true
	}
	return false
}

// affix implements prefix, suffix and contains. They match string values
// only.
type affix struct {
	op  string // operator name
	arg string
	has func(s, arg string) bool
}

var affixFuncs = map[string]func(s, arg string) bool{
	"prefix":   strings.HasPrefix,
	"suffix":   strings.HasSuffix,
	"contains": strings.Contains,
}

func compileAffix(path []string, name string, arg any) (matcher, error) {
	return newAffix(path, name, arg)
}

func newAffix(path []string, name string, arg any) (*affix, error) {
	s, ok := arg.(string)
	if !ok {
		return nil, errorAt(path, "%q needs a string, got %s", name, kindOf(arg))
	}
	return &affix{op: name, arg: s, has: affixFuncs[name]}, nil
}

func (m *affix) match(v any) bool {
	s, ok := v.(string)
	return ok && m.has(s, m.arg)
}

func (m *affix) json() any { return map[string]any{m.op: m.arg} }

// existsMatcher is {"exists": want}. Leaves evaluate it from the lookup
// result directly, so match is never consulted.
type existsMatcher struct{ want bool }

func compileExists(path []string, _ string, arg any) (matcher, error) {
	b, ok := arg.(bool)
	if !ok {
		return nil, errorAt(path, `"exists" needs true or false, got %s`, kindOf(arg))
	}
	return &existsMatcher{b}, nil
}

func (m *existsMatcher) match(any) bool { return false }

func (m *existsMatcher) json() any { return map[string]any{"exists": m.want} }

// compile-time checks that every condition type is a matcher.
var (
	_ matcher = (*exactString)(nil)
	_ matcher = (*exactNumber)(nil)
	_ matcher = (*exactBool)(nil)
	_ matcher = (*exactNull)(nil)
	_ matcher = (*affix)(nil)
	_ matcher = (*existsMatcher)(nil)
	_ matcher = (*anythingBut)(nil)
	_ matcher = (*anythingButAffix)(nil)
	_ matcher = (*numeric)(nil)
	_ matcher = (*cidr)(nil)
)
