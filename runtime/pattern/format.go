package pattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// errorAt returns an error prefixed with "pattern:" and the formatted path.
// The format may use %w.
func errorAt(path []string, format string, args ...any) error {
	if len(path) == 0 {
		return fmt.Errorf("pattern: "+format, args...)
	}
	return fmt.Errorf("pattern: %s: "+format, append([]any{formatPath(path)}, args...)...)
}

// formatPath joins path with dots, quoting keys that are empty or contain
// dots, quotes, spaces or unprintable characters.
func formatPath(path []string) string {
	var b strings.Builder
	for i, key := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		if key == "" || strings.ContainsFunc(key, needsQuote) {
			key = strconv.Quote(key)
		}
		b.WriteString(key)
	}
	return b.String()
}

func needsQuote(r rune) bool {
	return r == '.' || r == '"' || unicode.IsSpace(r) || !unicode.IsPrint(r)
}

// kindOf names the JSON type of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	if _, ok := asNumber(v); ok {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// marshal encodes v as compact JSON without HTML escaping.
func marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// maxDescribe bounds the length of an event value quoted in a message.
const maxDescribe = 80

// describe renders an event value for a message, shortening long ones.
func describe(v any) string {
	s, err := marshal(v)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if len(s) > maxDescribe {
		s = strings.ToValidUTF8(s[:maxDescribe], "") + "..."
	}
	return s
}

// canonical renders compiled leaves back into a pattern document.
func canonical(leaves []*leaf) string {
	root := map[string]any{}
	for _, l := range leaves {
		m := root
		for _, key := range l.path[:len(l.path)-1] {
			sub, ok := m[key].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[key] = sub
			}
			m = sub
		}
		m[l.path[len(l.path)-1]] = l.json()
	}
	return mustMarshal(root)
}

// mustMarshal encodes compiled conditions, which hold only strings, finite
// numbers, booleans and nulls and so always encode.
func mustMarshal(v any) string {
	s, err := marshal(v)
	if err != nil {
		panic("pattern: cannot encode compiled pattern: " + err.Error())
	}
	return s
}

// json returns the leaf's condition array in canonical form.
func (l *leaf) json() []any {
	list := make([]any, len(l.conds))
	for i, m := range l.conds {
		list[i] = m.json()
	}
	return list
}

// explain says why the looked-up value fails the leaf.
func (l *leaf) explain(v any, found bool) string {
	want := mustMarshal(l.json())
	if !found {
		return fmt.Sprintf("%s: missing, want %s", l.name, want)
	}
	if _, isArray := v.([]any); !isArray && allExact(l.conds) {
		return fmt.Sprintf("%s: %s is not one of %s", l.name, describe(v), want)
	}
	return fmt.Sprintf("%s: %s does not match %s", l.name, describe(v), want)
}

func allExact(conds []matcher) bool {
	for _, m := range conds {
		if !isExact(m) {
			return false
		}
	}
	return true
}
