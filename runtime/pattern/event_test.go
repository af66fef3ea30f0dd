package pattern

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestJSONErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, "pattern: invalid event json: EOF"},
		{`{"a":`, "pattern: invalid event json: unexpected EOF"},
		{`{"a":1}x`, "pattern: invalid event json: "},
		{`{"a":1}{}`, "pattern: invalid event json: data after the top-level value"},
		{`[{"a":1}]`, "pattern: event must be a JSON object, got array"},
		{`null`, "pattern: event must be a JSON object, got null"},
	}
	for _, tt := range tests {
		_, err := JSON([]byte(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("JSON(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestJSONLookup(t *testing.T) {
	d, err := JSON([]byte(`{"n":12345678901234567890,"s":"x","o":{"a":[1,{"b":2}]},"z":null}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  []string
		want  any
		found bool
	}{
		{[]string{"n"}, json.Number("12345678901234567890"), true},
		{[]string{"s"}, "x", true},
		{[]string{"z"}, nil, true},
		{[]string{"missing"}, nil, false},
		{[]string{"s", "deeper"}, nil, false},
		{[]string{"o", "a", "b"}, []any{json.Number("2")}, true},
		{[]string{"o", "a", "c"}, nil, false},
	}
	for _, tt := range tests {
		got, found := d.Lookup(tt.path)
		if found != tt.found || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q) = %#v, %v; want %#v, %v", tt.path, got, found, tt.want, tt.found)
		}
	}
}

// TestMapGoValues checks that Go numbers in a hand-built map compare like
// JSON numbers.
func TestMapGoValues(t *testing.T) {
	p := MustCompile(`{"n":[{"numeric":[">",1]}]}`)
	for _, v := range []any{
		2.5, float32(2), json.Number("2"),
		2, int8(2), int16(2), int32(2), int64(2),
		uint(2), uint8(2), uint16(2), uint32(2), uint64(2),
	} {
		if !p.Match(Map(map[string]any{"n": v})) {
			t.Errorf("%T %v did not match", v, v)
		}
	}
	for _, v := range []any{math.NaN(), json.Number("junk"), "2", []byte("2"), true} {
		if p.Match(Map(map[string]any{"n": v})) {
			t.Errorf("%T %v matched", v, v)
		}
	}
	if !MustCompile(`{"n":[3]}`).Match(Map(map[string]any{"n": int64(3)})) {
		t.Error("int64 did not match an exact number")
	}
	if !MustCompile(`{"n":[{"exists":false}]}`).Match(Map(nil)) {
		t.Error("nil map: exists:false did not match")
	}
}
