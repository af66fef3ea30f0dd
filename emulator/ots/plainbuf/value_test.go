package plainbuf

import (
	"math"
	"testing"
)

func TestDecodeValue(t *testing.T) {
	values := []Value{
		Int(-5), Float(math.Pi), Bool(true), Bool(false), Str("s"), Bin([]byte{1, 2}),
		{Type: InfMin}, {Type: InfMax}, {Type: AutoIncrement},
	}
	for _, v := range values {
		b := AppendValue(nil, v)
		got, err := DecodeValue(b)
		if err != nil || !equalValues(got, v) {
			t.Errorf("DecodeValue(AppendValue(%v)) = %v, %v", v, got, err)
		}
		_, err = DecodeValue(append(b, 0))
		asError(t, err, "1 bytes after the "+v.Type.String()+" value")
	}
	_, err := DecodeValue([]byte{0x42})
	asError(t, err, "unknown value type 0x42")
	_, err = DecodeValue(nil)
	asError(t, err, "value type missing")
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b Value
		c    int
		ok   bool
	}{
		{Int(1), Int(2), -1, true},
		{Float(2), Float(1), 1, true},
		{Bool(false), Bool(true), -1, true},
		{Bool(true), Bool(true), 0, true},
		{Str("a"), Str("b"), -1, true},
		{Bin([]byte{2}), Bin([]byte{1}), 1, true},
		{Value{Type: InfMin}, Int(math.MinInt64), -1, true},
		{Str(""), Value{Type: InfMax}, -1, true},
		{Value{Type: InfMax}, Value{Type: InfMax}, 0, true},
		{Value{Type: InfMax}, Str("z"), 1, true},
		{Int(1), Str("1"), 0, false},
		{Value{Type: AutoIncrement}, Value{Type: AutoIncrement}, 0, false},
	}
	for _, tt := range tests {
		if c, ok := Compare(tt.a, tt.b); c != tt.c || ok != tt.ok {
			t.Errorf("Compare(%v, %v) = %d, %t, want %d, %t", tt.a, tt.b, c, ok, tt.c, tt.ok)
		}
	}
}

func TestValueSizeAndString(t *testing.T) {
	for v, want := range map[string]struct {
		v    Value
		size int
	}{
		"5": {Int(5), 8}, "0.5": {Float(0.5), 8}, "true": {Bool(true), 1},
		`"ab"`: {Str("ab"), 2}, "0x0102": {Bin([]byte{1, 2}), 2}, "INF_MIN": {Value{Type: InfMin}, 0},
		"type 0x42": {Value{Type: 0x42}, 0},
	} {
		if want.v.String() != v || want.v.Size() != want.size {
			t.Errorf("%v: String %q, Size %d, want %q, %d", want.v.Type, want.v.String(), want.v.Size(), v, want.size)
		}
	}
}
