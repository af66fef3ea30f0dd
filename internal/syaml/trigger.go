package syaml

// triggerKeys are the key names of a trigger entry, which differ between
// fc3 and fc (github.com/devsapp/fc3 src/subCommands/2to3/index.ts).
type triggerKeys struct {
	name, typ, config, role string
}

var (
	fc3Keys = triggerKeys{name: "triggerName", typ: "triggerType", config: "triggerConfig", role: "invocationRole"}
	fcKeys  = triggerKeys{name: "name", typ: "type", config: "config", role: "role"}
)

// triggers reads props.triggers. Names must be unique within a function.
func (p *parser) triggers(fn *Function, props *fieldMap, keys triggerKeys) []*Trigger {
	v, ok := props.get("triggers")
	if !ok {
		return nil
	}
	items, _ := p.items(v)
	var out []*Trigger
	first := map[string]int{}
	for _, it := range items {
		t := p.trigger(fn, it, keys)
		if t == nil {
			continue
		}
		if line, dup := first[t.Name]; dup && t.Name != "" {
			p.errorf(t.Line, join(t.Key, keys.name), "trigger %q repeated (first at line %d)", t.Name, line)
		} else {
			first[t.Name] = t.Line
		}
		out = append(out, t)
	}
	return out
}

// trigger reads one trigger entry. Eventbridge and tablestore triggers
// are decoded further; the others keep their config in Raw.
func (p *parser) trigger(fn *Function, it val, keys triggerKeys) *Trigger {
	if it.isNull() {
		p.errorf(it.line(), it.path, "empty trigger")
		return nil
	}
	m, ok := p.mapping(it)
	if !ok {
		return nil
	}
	p.checkKeys(m, keys.name, keys.typ, keys.config, keys.role, "qualifier", "description", "sourceArn")
	t := &Trigger{Key: it.path, Line: it.line()}
	t.Name = p.required(m, keys.name)
	t.Function = fn.Name
	t.Type = p.required(m, keys.typ)
	t.Qualifier, _ = p.optString(m, "qualifier")
	t.Description, _ = p.optString(m, "description")
	t.Role, _ = p.optString(m, keys.role)
	t.SourceArn, _ = p.optString(m, "sourceArn")
	cv, has := m.get(keys.config)
	t.Raw = p.toMap(cv)
	switch t.Type {
	case "eventbridge":
		if cfg, ok := p.mapping(cv); !has || cv.isNull() {
			p.errorf(t.Line, t.Key, "missing %s", keys.config)
		} else if ok {
			p.eventBridge(t, cfg, fn)
		}
	case "tablestore":
		p.tablestore(t, m, cv, fn, keys)
	}
	triggerDefaults(t)
	return t
}

// eventBridge reads an eventbridge triggerConfig
// (github.com/alibabacloud-go/fc-20230330
// client/event_bridge_trigger_config_model.go).
func (p *parser) eventBridge(t *Trigger, cfg *fieldMap, fn *Function) {
	p.checkKeys(cfg, "triggerEnable", "asyncInvocationType", "eventRuleFilterPattern",
		"eventSourceConfig", "eventSinkConfig", "runOptions")
	t.Enabled = true // no documented default; every fc3 example sets true
	if v, ok := cfg.get("triggerEnable"); ok {
		if b, ok := p.asBool(v); ok {
			t.Enabled = b
		}
	}
	// asyncInvocationType: false = synchronous invoke.
	v, _ := cfg.get("asyncInvocationType")
	t.Async, _ = p.asBool(v)
	t.Pattern = p.pattern(cfg)
	p.eventSource(t, cfg, fn)
	delivered := p.eventSink(t, cfg)
	p.runOptions(t, cfg, delivered)
}
