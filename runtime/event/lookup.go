package event

import (
	"bytes"
	"encoding/json"
)

// Lookup returns the value at path in the CloudEvent form of the message,
// the form EventBridge event patterns are written against: attributes at
// the top ("subject", "aliyunregionid", ...) and the message under "data"
// ("data", "systemProperties", "TAGS"). A body that is JSON (an object, or a
// string holding one) can be looked into ("data", "body", "id").
//
// Values have the types encoding/json gives with UseNumber: string,
// json.Number, bool, nil, []any and map[string]any. Lookup allocates only
// for paths into the body and into unknown members.
func (m *Message) Lookup(path []string) (any, bool) {
	if len(path) == 0 {
		return nil, false
	}
	if path[0] != "data" {
		if len(path) > 1 {
			p, ok := m.Event.Extensions.Lookup(path[0])
			if !ok {
				return nil, false
			}
			return lookupJSON([]byte(p.Value), path[1:])
		}
		if p := m.Event.attr(path[0]); p != nil {
			return *p, *p != ""
		}
		return propValue(m.Event.Extensions, path[0])
	}
	if len(path) == 1 {
		return nil, true // data exists; its object form is not materialised
	}
	switch path[1] {
	case "topic":
		return m.Topic, len(path) == 2 && m.Topic != ""
	case "msgId":
		return m.ID, len(path) == 2 && m.ID != ""
	case "body":
		return m.bodyValue(path[2:])
	case "systemProperties":
		return propPath(m.SystemProperties, path[2:])
	case "userProperties":
		return propPath(m.UserProperties, path[2:])
	}
	p, ok := m.Extra.Lookup(path[1])
	if !ok {
		return nil, false
	}
	if len(path) == 2 {
		return p.value()
	}
	return lookupJSON([]byte(p.Value), path[2:])
}

func propPath(ps Properties, path []string) (any, bool) {
	switch len(path) {
	case 0:
		return nil, ps != nil
	case 1:
		return propValue(ps, path[0])
	}
	p, ok := ps.Lookup(path[0])
	if !ok || p.Kind != Raw {
		return nil, false
	}
	return lookupJSON([]byte(p.Value), path[1:])
}

func propValue(ps Properties, key string) (any, bool) {
	p, ok := ps.Lookup(key)
	if !ok {
		return nil, false
	}
	return p.value()
}

// value returns the property in encoding/json's form.
func (p Property) value() (any, bool) {
	switch p.Kind {
	case String:
		return p.Value, true
	case Number:
		return json.Number(p.Value), true
	case Bool:
		return p.Value == "true", true
	case Null:
		return nil, true
	}
	return decodeAny([]byte(p.Value))
}

func (m *Message) bodyValue(path []string) (any, bool) {
	if len(path) == 0 {
		if m.BodyKind == String {
			return string(m.Body), true
		}
		return decodeAny(m.Body)
	}
	return lookupJSON(m.Body, path)
}

// lookupJSON walks path through a JSON document.
func lookupJSON(doc []byte, path []string) (any, bool) {
	v, ok := decodeAny(doc)
	for _, key := range path {
		obj, isObj := v.(map[string]any)
		if !ok || !isObj {
			return nil, false
		}
		v, ok = obj[key]
	}
	return v, ok
}

func decodeAny(doc []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}
