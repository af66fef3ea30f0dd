package event

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Kind is the JSON type a property value arrived as.
type Kind uint8

const (
	String Kind = iota // a JSON string; Value is its unescaped text
	Number             // a JSON number; Value is its literal text, e.g. "1628577790396"
	Bool               // true or false; Value is "true" or "false"
	Null               // null; Value is ""
	Raw                // an object or array; Value is its JSON text
)

var kindNames = [...]string{"string", "number", "bool", "null", "raw"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Property is one key and value of a property map: RocketMQ system or user
// properties, or an attribute the decoder did not recognise.
type Property struct {
	Key   string
	Value string
	Kind  Kind
}

// JSON returns the value as JSON.
func (p Property) JSON() json.RawMessage {
	switch p.Kind {
	case String:
		b, _ := json.Marshal(p.Value) // marshalling a string cannot fail
		return b
	case Null:
		return json.RawMessage("null")
	}
	return json.RawMessage(p.Value)
}

// Int returns the value as an integer. Numbers and strings holding a decimal
// integer both convert, since RocketMQ sends most numbers as strings.
func (p Property) Int() (int64, error) {
	switch p.Kind {
	case String, Number:
		n, err := strconv.ParseInt(p.Value, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("property %s: %w", p.Key, err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("property %s: %s is not an integer", p.Key, p.Kind)
}

// Properties is a property map in the order the payload listed it. It is a
// slice rather than a map because messages carry a handful of properties,
// which a linear scan finds faster than a hash, and because decoding into
// it costs no allocation per message.
type Properties []Property

// Lookup returns the property named key. When a payload repeats a key, the
// last one wins, as with encoding/json.
func (ps Properties) Lookup(key string) (Property, bool) {
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Key == key {
			return ps[i], true
		}
	}
	return Property{}, false
}

// Get returns the value of the property named key, or "".
func (ps Properties) Get(key string) string {
	p, _ := ps.Lookup(key)
	return p.Value
}

// Int returns the integer value of the property named key; ok is false when
// the property is missing or not an integer.
func (ps Properties) Int(key string) (n int64, ok bool) {
	p, found := ps.Lookup(key)
	if !found {
		return 0, false
	}
	n, err := p.Int()
	return n, err == nil
}

// first returns the property under the first of names that the
// properties hold with a value that is not empty.
func (ps Properties) first(names []string) (Property, bool) {
	for _, name := range names {
		if p, ok := ps.Lookup(name); ok && p.Value != "" {
			return p, true
		}
	}
	return Property{}, false
}

// firstInt is Int for the property first returns.
func (ps Properties) firstInt(names []string) (int64, bool) {
	p, ok := ps.first(names)
	if !ok {
		return 0, false
	}
	n, err := p.Int()
	return n, err == nil
}

// Map returns the properties as a map of strings.
func (ps Properties) Map() map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.Key] = p.Value
	}
	return m
}

// MarshalJSON encodes the properties as a JSON object, each value in the
// JSON type it arrived as.
func (ps Properties) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(p.Key)
		b = append(b, k...)
		b = append(b, ':')
		b = append(b, p.JSON()...)
	}
	return append(b, '}'), nil
}
