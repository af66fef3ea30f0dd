package pattern

import (
	"encoding/json"
	"net/netip"
)

// anythingBut matches any leaf value other than the listed strings and
// numbers. Objects never match; booleans and null always do.
type anythingBut struct {
	items  []any // string or float64, in pattern order
	scalar bool  // written as a single value rather than a list
}

func compileAnythingBut(path []string, _ string, arg any) (matcher, error) {
	switch v := arg.(type) {
	case string, json.Number:
		item, err := butItem(path, v)
		if err != nil {
			return nil, err
		}
		return &anythingBut{items: []any{item}, scalar: true}, nil
	case []any:
		return compileButList(path, v)
	case map[string]any:
		return compileButAffix(path, v)
	}
	return nil, errorAt(path, `"anything-but" needs a string, number, array or object, got %s`, kindOf(arg))
}

func compileButList(path []string, list []any) (matcher, error) {
	if len(list) == 0 {
		return nil, errorAt(path, `"anything-but" needs at least one value`)
	}
	m := &anythingBut{items: make([]any, len(list))}
	for i, v := range list {
		item, err := butItem(path, v)
		if err != nil {
			return nil, err
		}
		m.items[i] = item
	}
	return m, nil
}

// butItem converts one anything-but operand to a string or float64.
func butItem(path []string, v any) (any, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case json.Number:
		return parseNumber(path, t)
	}
	return nil, errorAt(path, `"anything-but" values must be strings or numbers, got %s`, kindOf(v))
}

func (m *anythingBut) match(v any) bool {
	switch t := v.(type) {
	case string:
		for _, it := range m.items {
			if s, ok := it.(string); ok && s == t {
				return false
			}
		}
		return true
	case bool, nil:
		return true
	}
	f, ok := asNumber(v)
	if !ok {
		return false
	}
	for _, it := range m.items {
		if g, ok := it.(float64); ok && g == f {
			return false
		}
	}
	return true
}

func (m *anythingBut) json() any {
	if m.scalar {
		return map[string]any{"anything-but": m.items[0]}
	}
	return map[string]any{"anything-but": m.items}
}

// anythingButAffix is {"anything-but": {"prefix": ...}} or the suffix
// form. It matches string values that lack the affix.
type anythingButAffix struct{ not *affix }

func compileButAffix(path []string, obj map[string]any) (matcher, error) {
	if len(obj) != 1 {
		return nil, errorAt(path, `"anything-but" object needs exactly one key, got %d`, len(obj))
	}
	name, arg := soleEntry(obj)
	if name != "prefix" && name != "suffix" {
		return nil, errorAt(path, `"anything-but" supports "prefix" or "suffix", got %q`, name)
	}
	a, err := newAffix(path, name, arg)
	if err != nil {
		return nil, err
	}
	return &anythingButAffix{a}, nil
}

func (m *anythingButAffix) match(v any) bool {
	s, ok := v.(string)
	return ok && !m.not.has(s, m.not.arg)
}

func (m *anythingButAffix) json() any {
	return map[string]any{"anything-but": m.not.json()}
}

// cidr matches string values holding an IP address inside prefix.
type cidr struct{ prefix netip.Prefix }

func compileCIDR(path []string, _ string, arg any) (matcher, error) {
	s, ok := arg.(string)
	if !ok {
		return nil, errorAt(path, `"cidr" needs a string, got %s`, kindOf(arg))
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, errorAt(path, "bad cidr %q: %w", s, err)
	}
	return &cidr{p.Masked()}, nil
}

func (m *cidr) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	if m.prefix.Addr().Is4() {
		addr = addr.Unmap() // ::ffff:10.0.0.1 is 10.0.0.1
	}
	return m.prefix.Contains(addr)
}

func (m *cidr) json() any { return map[string]any{"cidr": m.prefix.String()} }
