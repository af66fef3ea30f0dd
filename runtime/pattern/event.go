package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Doc is the event a pattern is matched against.
type Doc interface {
	// Lookup returns the value at path (object keys from the root) and whether it exists.
	// Values are what encoding/json produces with UseNumber: string, json.Number, bool, nil,
	// []any, map[string]any. Implementations may also return float64 or int64 for numbers.
	Lookup(path []string) (any, bool)
}

// JSON returns a Doc over a JSON document, decoded with encoding/json and
// UseNumber so that numbers keep their precision. The document must be a
// single JSON object.
func JSON(raw []byte) (Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("pattern: invalid event json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("pattern: invalid event json: data after the top-level value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("pattern: event must be a JSON object, got %s", kindOf(v))
	}
	return mapDoc(m), nil
}

// Map returns a Doc over an already-decoded map, such as one produced by
// encoding/json.
//
// When a path runs through an array of objects, Lookup collects the values
// found in every element into one array, so {"data":{"id":["a"]}} matches
// {"data":[{"id":"b"},{"id":"a"}]}. Only that case allocates.
func Map(m map[string]any) Doc {
	return mapDoc(m)
}

type mapDoc map[string]any

func (d mapDoc) Lookup(path []string) (any, bool) {
	return lookup(map[string]any(d), path)
}

// lookup descends from v along path.
func lookup(v any, path []string) (any, bool) {
	for i, key := range path {
		switch t := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = t[key]; !ok {
				return nil, false
			}
		case []any:
			return lookupEach(t, path[i:])
		default:
			return nil, false
		}
	}
	return v, true
}

// lookupEach looks path up in every element of a and gathers what it finds
// into one array, flattening array results.
func lookupEach(a []any, path []string) (any, bool) {
	found := false
	out := []any{}
	for _, e := range a {
		v, ok := lookup(e, path)
		if !ok {
			continue
		}
		found = true
		if inner, isArray := v.([]any); isArray {
			out = append(out, inner...)
		} else {
			out = append(out, v)
		}
	}
	if !found {
		return nil, false
	}
	return out, true
}
