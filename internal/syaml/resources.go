package syaml

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// functions reads resources (3.0.0) or services (1.0.0), keeping the fc3
// and fc components in file order.
func (p *parser) functions(proj *Project, v val) {
	m, ok := p.mapping(v)
	if !ok {
		return
	}
	for _, f := range m.list {
		if fn := p.readResource(f); fn != nil {
			proj.Functions = append(proj.Functions, fn)
		}
	}
}

// readResource reads one resource; nil when it is not a function.
func (p *parser) readResource(f field) *Function {
	rm, ok := p.mapping(f.v)
	if !ok {
		return nil
	}
	comp, ok := p.optString(rm, "component")
	if !ok {
		p.errorf(f.keyLine, f.v.path, "missing component")
		return nil
	}
	kind := componentKind(comp)
	if kind == "" {
		p.warnf(rm.lineOf("component"), join(f.v.path, "component"), "component %s is not fc3 or fc; skipped", quote(comp))
		return nil
	}
	access, _ := p.optString(rm, "access")
	if access == "" {
		access = p.access
	}
	p.setScope(scope{resource: f.key, node: f.v.n, access: access})
	defer p.setScope(scope{})

	fn := &Function{Resource: f.key, Key: f.v.path, Component: kind, Line: f.keyLine}
	pv, ok := rm.get("props")
	if !ok {
		p.errorf(f.keyLine, f.v.path, "missing props")
		return fn
	}
	name := p.peekName(pv, kind)
	p.setScope(scope{resource: f.key, node: f.v.n, access: access, function: name})
	props, ok := p.mapping(pv)
	if !ok {
		return fn
	}
	if kind == "fc3" {
		p.fc3Function(fn, props)
	} else {
		p.fcFunction(fn, props)
	}
	fn.Raw = p.toMap(pv)
	functionDefaults(fn)
	return fn
}

// setScope starts reading a resource (or leaves it); cached references
// may depend on the scope, so the cache is dropped.
func (p *parser) setScope(s scope) {
	p.scope = s
	p.resolved = nil
}

// peekName reads the function name before the rest of props, so that
// ${functionName} resolves anywhere in them.
func (p *parser) peekName(props val, kind string) string {
	path := []string{"functionName"}
	if kind == "fc" {
		path = []string{"function", "name"}
	}
	n, key := props.n, props.path
	for _, seg := range path {
		if n = child(deref(n), seg); n == nil {
			return ""
		}
		key = join(key, seg)
	}
	if n = deref(n); n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return p.resolve(n, key, 0).Value
}

// componentKind maps a component name to "fc3" or "fc": "fc3",
// "devsapp/fc3" and "fc3@0.1.0" are fc3; "fc" and "devsapp/fc" are fc.
// Anything else is "".
func componentKind(comp string) string {
	name, _, _ := strings.Cut(comp, "@")
	name = strings.TrimPrefix(name, "devsapp/")
	switch name {
	case "fc3", "fc":
		return name
	}
	return ""
}

// required reads the string under key, recording "missing key" at the
// mapping's line when it is absent or empty.
func (p *parser) required(m *fieldMap, key string) string {
	v, ok := m.get(key)
	s, isStr := p.asString(v)
	if !ok || v.isNull() || (isStr && s == "") {
		p.errorf(m.line, m.path, "missing %s", key)
	}
	return s
}
