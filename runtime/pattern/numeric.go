package pattern

import (
	"encoding/json"
	"math"
	"strconv"
)

// comparison is one "op, number" pair of a numeric condition.
type comparison struct {
	op string
	f  float64
}

// holds reports whether x op c.f.
func (c comparison) holds(x float64) bool {
	switch c.op {
	case "=":
		return x == c.f
	case "!=":
		return x != c.f
	case ">":
		return x > c.f
	case ">=":
		return x >= c.f
	case "<":
		return x < c.f
	case "<=":
		return x <= c.f
	}
	return false
}

var comparisonOps = map[string]bool{"=": true, "!=": true, ">": true, ">=": true, "<": true, "<=": true}

// numeric matches number values satisfying every comparison.
type numeric struct{ cmps []comparison }

func compileNumeric(path []string, _ string, arg any) (matcher, error) {
	list, ok := arg.([]any)
	if !ok || (len(list) != 2 && len(list) != 4) {
		return nil, errorAt(path, `"numeric" needs [op, number] or [op, number, op, number]`)
	}
	m := &numeric{}
	for i := 0; i < len(list); i += 2 {
		op, ok := list[i].(string)
		if !ok || !comparisonOps[op] {
			return nil, errorAt(path, `"numeric": bad comparison %s; use =, !=, >, >=, < or <=`, describe(list[i]))
		}
		n, ok := list[i+1].(json.Number)
		if !ok {
			return nil, errorAt(path, `"numeric": %q needs a number, got %s`, op, kindOf(list[i+1]))
		}
		f, err := parseNumber(path, n)
		if err != nil {
			return nil, err
		}
		m.cmps = append(m.cmps, comparison{op, f})
	}
	return m, nil
}

func (m *numeric) match(v any) bool {
	x, ok := asNumber(v)
	if !ok {
		return false
	}
	for _, c := range m.cmps {
		if !c.holds(x) {
			return false
		}
	}
	return true
}

func (m *numeric) json() any {
	list := make([]any, 0, 2*len(m.cmps))
	for _, c := range m.cmps {
		list = append(list, c.op, c.f)
	}
	return map[string]any{"numeric": list}
}

// asNumber returns v as a float64 when v is a number: json.Number, a Go
// float or a Go integer. NaN and malformed json.Number values are not
// numbers.
func asNumber(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(n), 64); err != nil {
			return 0, false
		}
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int8:
		f = float64(n)
	case int16:
		f = float64(n)
	case int32:
		f = float64(n)
	case int64:
		f = float64(n)
	case uint:
		f = float64(n)
	case uint8:
		f = float64(n)
	case uint16:
		f = float64(n)
	case uint32:
		f = float64(n)
	case uint64:
		f = float64(n)
	default:
		return 0, false
	}
	return f, !math.IsNaN(f)
}
