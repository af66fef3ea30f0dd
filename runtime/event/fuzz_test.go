package event_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// FuzzDecode checks the decoder against encoding/json: it never panics, it
// accepts only valid JSON, its errors are *DecodeError, and what it decodes
// agrees with a plain encoding/json reading of the same bytes.
func FuzzDecode(f *testing.F) {
	files, _ := fixtures()
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"data":{"topic":"t","body":"caf\u00e9 \ud83d\ude00","systemProperties":{"A":1,"B":true,"C":null,"D":[1]}}}`,
		`["{\"topic\":\"t\",\"body\":\"x\"}", 7, {"specversion":"1.0","data":{"k":[{}]}}]`,
		`{"specversion":"1.0","data_base64":"aGk=","x":{"y":"\u0000"}}`,
		`{"topic":"t","body":{"a":"\"b\""},"userProperties":{"k\u0041":"v"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := event.Decode(data)
		if err != nil {
			var de *event.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError: %v", err, err)
			}
			checkNotEvent(t, data, err)
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if duplicateKeys(data) {
			return // encoding/json's last-wins merge is not worth mirroring here
		}
		var doc any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		elems := []any{doc}
		if arr, ok := doc.([]any); ok {
			elems = arr
		}
		for _, f := range p.Failed {
			if s, ok := elems[f.Index].(string); ok && !checkable([]byte(s)) {
				continue // see checkNotEvent
			}
			if errors.Is(f, event.ErrNotEvent) == holdsEvent(elems[f.Index]) {
				t.Errorf("element %d %v: ErrNotEvent is %v, but it holds an event: %v",
					f.Index, f, errors.Is(f, event.ErrNotEvent), holdsEvent(elems[f.Index]))
			}
		}
		for i := range p.Messages {
			m := &p.Messages[i]
			if m.Index >= len(elems) {
				t.Fatalf("message index %d out of %d elements", m.Index, len(elems))
			}
			compare(t, m, elems[m.Index])
		}
	})
}

// compare checks a decoded message against the element as encoding/json
// reads it.
func compare(t *testing.T, m *event.Message, elem any) {
	t.Helper()
	if s, ok := elem.(string); ok {
		dec := json.NewDecoder(bytes.NewReader([]byte(s)))
		dec.UseNumber()
		if err := dec.Decode(&elem); err != nil {
			t.Fatalf("message %d decoded from a string that is not JSON: %v", m.Index, err)
		}
	}
	obj, ok := elem.(map[string]any)
	if !ok {
		t.Fatalf("message %d decoded from a %T", m.Index, elem)
	}
	data, isCE := obj["data"].(map[string]any)
	if _, hasData := obj["data"]; !hasData {
		data = obj // RawData, or a CloudEvent without data
	}
	if id, ok := obj["id"].(string); ok && m.Event.ID != id {
		t.Errorf("Event.ID = %q, want %q", m.Event.ID, id)
	}
	if isCE && !hasAny(data, "topic", "body", "systemProperties", "userProperties", "msgId") {
		var got any
		if err := json.Unmarshal(m.Body, &got); err != nil {
			t.Fatalf("generic data body %q: %v", m.Body, err)
		}
		var want any
		b, _ := json.Marshal(data)
		json.Unmarshal(b, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("generic body = %s, want %s", m.Body, b)
		}
		return
	}
	// An empty topic gives way to the subject's.
	if topic, ok := data["topic"].(string); ok && topic != "" && m.Topic != topic {
		t.Errorf("Topic = %q, want %q", m.Topic, topic)
	}
	switch body := data["body"].(type) {
	case string:
		if m.Text() != body {
			t.Errorf("Body = %q, want %q", m.Body, body)
		}
	case nil:
	default:
		var got, want any
		if err := json.Unmarshal(m.Body, &got); err != nil {
			t.Fatalf("raw body %q: %v", m.Body, err)
		}
		b, _ := json.Marshal(body)
		json.Unmarshal(b, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Body = %s, want %s", m.Body, b)
		}
	}
	compareProps(t, "systemProperties", m.SystemProperties, data["systemProperties"])
	compareProps(t, "userProperties", m.UserProperties, data["userProperties"])
}

func compareProps(t *testing.T, name string, got event.Properties, want any) {
	t.Helper()
	props, _ := want.(map[string]any)
	if len(got) != len(props) {
		t.Fatalf("%s: %d properties, want %d", name, len(got), len(props))
	}
	for k, v := range props {
		p, ok := got.Lookup(k)
		if !ok {
			t.Fatalf("%s: missing %q", name, k)
		}
		switch v := v.(type) {
		case string:
			if p.Value != v || p.Kind != event.String {
				t.Errorf("%s.%s = %+v, want string %q", name, k, p, v)
			}
		case json.Number:
			if p.Value != v.String() || p.Kind != event.Number {
				t.Errorf("%s.%s = %+v, want number %s", name, k, p, v)
			}
		case nil:
			if p.Kind != event.Null {
				t.Errorf("%s.%s = %+v, want null", name, k, p)
			}
		}
	}
}

// checkNotEvent checks a decode error's ErrNotEvent against encoding/json's
// reading of a payload that is valid JSON: the error matches ErrNotEvent
// exactly when no element holds an event's member. The check leaves out
// errors the decoder finds in valid JSON (invalid UTF-8, deep nesting),
// which come before or after event members, repeated keys, and strings
// that do not hold valid JSON.
func checkNotEvent(t *testing.T, data []byte, err error) {
	t.Helper()
	if errors.Is(err, event.ErrTooLarge) || strings.Contains(err.Error(), "nesting deeper") ||
		!checkable(data) || duplicateKeys(data) {
		return
	}
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return // valid but deeper than encoding/json goes
	}
	elems := []any{doc}
	if arr, ok := doc.([]any); ok {
		elems = arr
	}
	held := false
	for _, e := range elems {
		if s, ok := e.(string); ok && !checkable([]byte(s)) {
			return
		}
		held = held || holdsEvent(e)
	}
	if errors.Is(err, event.ErrNotEvent) == held {
		t.Errorf("Decode(%q) = %v: ErrNotEvent is %v, but an element holds an event: %v",
			data, err, errors.Is(err, event.ErrNotEvent), held)
	}
}

// checkable reports whether data is valid JSON in valid UTF-8.
func checkable(data []byte) bool { return json.Valid(data) && utf8.Valid(data) }

// holdsEvent reports whether a payload element, as encoding/json reads it,
// is an object with an event's member, or a string holding one.
func holdsEvent(elem any) bool {
	if s, ok := elem.(string); ok {
		if json.Unmarshal([]byte(s), &elem) != nil || duplicateKeys([]byte(s)) {
			return false
		}
	}
	obj, ok := elem.(map[string]any)
	if !ok {
		return false
	}
	if v, ok := obj["specversion"].(string); ok && v != "" {
		return true
	}
	return hasAny(obj, "data", "detail", "data_base64", "topic", "body", "systemProperties", "userProperties", "msgId")
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// duplicateKeys reports whether any object in the JSON document, or in a
// JSON string it holds at the top level or as an array element, repeats a
// key.
func duplicateKeys(data []byte) bool {
	var doc any
	if json.Unmarshal(data, &doc) == nil {
		if arr, ok := doc.([]any); ok {
			for _, e := range arr {
				if s, ok := e.(string); ok && dupIn([]byte(s)) {
					return true
				}
			}
		} else if s, ok := doc.(string); ok && dupIn([]byte(s)) {
			return true
		}
	}
	return dupIn(data)
}

func dupIn(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		keys   map[string]bool
		object bool
		key    bool // the next string token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, object: tok == '{', key: tok == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.key {
				if top.keys[tok] {
					return true
				}
				top.keys[tok] = true
				top.key = false
				continue
			}
		}
		if top != nil && top.object {
			top.key = true
		}
	}
}
