package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDepth bounds the nesting of a pattern document. Real patterns are a
// handful of levels deep; the limit keeps hostile input from recursing
// without bound.
const maxDepth = 64

// decode parses a pattern document into map[string]any, []any, string,
// json.Number, bool and nil values. Unlike json.Unmarshal it rejects
// duplicate object keys, which would otherwise be dropped silently, and
// trailing data after the document.
func decode(src []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	v, err := decodeValue(dec, nil, 0)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorAt(nil, "must be a JSON object, got %s", kindOf(v))
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("pattern: unexpected data after the top-level object")
		}
		return nil, fmt.Errorf("pattern: invalid json: %w", err)
	}
	return m, nil
}

// decodeValue reads one JSON value. path locates it, for error messages;
// depth counts the arrays and objects enclosing it.
func decodeValue(dec *json.Decoder, path []string, depth int) (any, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, fmt.Errorf("pattern: invalid json: %w", err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxDepth {
		return nil, errorAt(path, "nested more than %d levels deep", maxDepth)
	}
	if d == '[' {
		return decodeArray(dec, path, depth+1)
	}
	return decodeObject(dec, path, depth+1)
}

func decodeArray(dec *json.Decoder, path []string, depth int) ([]any, error) {
	a := []any{}
	for dec.More() {
		v, err := decodeValue(dec, path, depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, fmt.Errorf("pattern: invalid json: %w", err)
	}
	return a, nil
}

func decodeObject(dec *json.Decoder, path []string, depth int) (map[string]any, error) {
	m := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("pattern: invalid json: %w", err)
		}
		key := tok.(string) // the decoder guarantees a string key here
		sub := append(path[:len(path):len(path)], key)
		if _, dup := m[key]; dup {
			return nil, errorAt(sub, "duplicate key")
		}
		if m[key], err = decodeValue(dec, sub, depth); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, fmt.Errorf("pattern: invalid json: %w", err)
	}
	return m, nil
}
