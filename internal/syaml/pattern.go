package syaml

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pattern reads eventRuleFilterPattern, a JSON string in the fc3
// examples (github.com/devsapp/fc3 __tests__/complete-props.yaml) or a
// YAML mapping, and returns it as compact JSON. An absent or empty
// pattern is "{}", fc3's default, which matches every event.
func (p *parser) pattern(cfg *fieldMap) []byte {
	v, ok := cfg.get("eventRuleFilterPattern")
	if !ok || v.isNull() {
		return nil
	}
	var obj map[string]any
	var out []byte
	switch v.n.Kind {
	case yaml.MappingNode:
		obj = p.toMap(v)
		b, err := json.Marshal(obj)
		if err != nil {
			p.errorf(v.line(), v.path, "cannot be written as JSON: %v", err)
			return nil
		}
		out = b
	case yaml.ScalarNode:
		s := strings.TrimSpace(v.n.Value)
		if s == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(s), &obj); err != nil || obj == nil {
			p.errorf(v.line(), v.path, "must be a JSON object: %s", jsonProblem(err))
			return nil
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(s)); err != nil {
			p.errorf(v.line(), v.path, "must be a JSON object: %v", err)
			return nil
		}
		out = buf.Bytes()
	default:
		p.errorf(v.line(), v.path, "must be a JSON string or a mapping, got %s", kindName(v.n))
		return nil
	}
	p.checkPattern(v, obj, "", 0)
	return out
}

// jsonProblem describes why a pattern did not decode.
func jsonProblem(err error) string {
	if err == nil {
		return "got null"
	}
	return err.Error()
}

// checkPattern warns about pattern values that are neither objects nor
// arrays: EventBridge conditions are arrays, and objects nest
// (https://help.aliyun.com/en/eventbridge/user-guide/event-patterns).
func (p *parser) checkPattern(v val, obj map[string]any, prefix string, depth int) {
	if depth > maxDepth {
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch c := obj[k].(type) {
		case []any:
		case map[string]any:
			p.checkPattern(v, c, prefix+k+".", depth+1)
		default:
			p.warnf(v.line(), v.path, "value of %q must be an array of conditions", prefix+k)
		}
	}
}
