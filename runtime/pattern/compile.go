package pattern

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// compileObject walks a pattern object, appending one leaf per condition
// array in sorted key order.
func compileObject(path []string, obj map[string]any, out *[]*leaf) error {
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		sub := append(path[:len(path):len(path)], key)
		switch v := obj[key].(type) {
		case map[string]any:
			if len(v) == 0 {
				return errorAt(sub, "empty object; a field needs an array of conditions")
			}
			if err := compileObject(sub, v, out); err != nil {
				return err
			}
		case []any:
			l, err := compileLeaf(sub, v)
			if err != nil {
				return err
			}
			*out = append(*out, l)
		default:
			return errorAt(sub, "want an array of conditions or an object, got %s", kindOf(v))
		}
	}
	return nil
}

// compileLeaf compiles the condition array found at path.
func compileLeaf(path []string, arr []any) (*leaf, error) {
	if len(arr) == 0 {
		return nil, errorAt(path, "empty array of conditions")
	}
	l := &leaf{path: path, name: formatPath(path)}
	for _, e := range arr {
		m, err := compileCond(path, e)
		if err != nil {
			return nil, err
		}
		l.conds = append(l.conds, m)
		if ex, ok := m.(*existsMatcher); ok {
			l.ifPresent = l.ifPresent || ex.want
			l.ifMissing = l.ifMissing || !ex.want
			continue
		}
		l.values = append(l.values, m)
	}
	return l, nil
}

// compileCond compiles one element of a condition array: a value to match
// exactly or an operator object.
func compileCond(path []string, e any) (matcher, error) {
	switch v := e.(type) {
	case string:
		return &exactString{v}, nil
	case json.Number:
		f, err := parseNumber(path, v)
		if err != nil {
			return nil, err
		}
		return &exactNumber{f}, nil
	case bool:
		return &exactBool{v}, nil
	case nil:
		return &exactNull{}, nil
	case map[string]any:
		return compileOperator(path, v)
	default:
		return nil, errorAt(path, "a condition cannot be an array")
	}
}

// operators maps operator names to the functions compiling their operands.
var operators = map[string]func(path []string, name string, arg any) (matcher, error){
	"prefix":       compileAffix,
	"suffix":       compileAffix,
	"contains":     compileAffix,
	"anything-but": compileAnythingBut,
	"numeric":      compileNumeric,
	"cidr":         compileCIDR,
	"exists":       compileExists,
}

// compileOperator compiles an operator object such as {"prefix": "acs."}.
func compileOperator(path []string, obj map[string]any) (matcher, error) {
	if len(obj) != 1 {
		return nil, errorAt(path, "an operator object needs exactly one key, got %d", len(obj))
	}
	name, arg := soleEntry(obj)
	compile, ok := operators[name]
	if !ok {
		return nil, errorAt(path, "unknown operator %q", name)
	}
	return compile(path, name, arg)
}

// soleEntry returns the only key and value of a one-entry map.
func soleEntry(m map[string]any) (key string, value any) {
	for key, value = range m {
	}
	return key, value
}

// parseNumber converts a pattern number to float64, rejecting values that
// overflow it.
func parseNumber(path []string, n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, errorAt(path, "bad number %s: %w", n, err)
	}
	return f, nil
}
