package plainbuf

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
)

// String returns the protocol's name for t.
func (t Type) String() string {
	switch t {
	case Integer:
		return "INTEGER"
	case Double:
		return "DOUBLE"
	case Boolean:
		return "BOOLEAN"
	case String:
		return "STRING"
	case Binary:
		return "BINARY"
	case InfMin:
		return "INF_MIN"
	case InfMax:
		return "INF_MAX"
	case AutoIncrement:
		return "AUTO_INCREMENT"
	}
	return fmt.Sprintf("type 0x%x", byte(t))
}

// Int returns an Integer value.
func Int(i int64) Value { return Value{Type: Integer, Int: i} }

// Str returns a String value.
func Str(s string) Value { return Value{Type: String, Bytes: []byte(s)} }

// Bin returns a Binary value.
func Bin(b []byte) Value { return Value{Type: Binary, Bytes: b} }

// Float returns a Double value.
func Float(f float64) Value { return Value{Type: Double, Float: f} }

// Bool returns a Boolean value.
func Bool(b bool) Value { return Value{Type: Boolean, Bool: b} }

// String formats v for error messages.
func (v Value) String() string {
	switch v.Type {
	case Integer:
		return fmt.Sprint(v.Int)
	case Double:
		return fmt.Sprint(v.Float)
	case Boolean:
		return fmt.Sprint(v.Bool)
	case String:
		return fmt.Sprintf("%q", v.Bytes)
	case Binary:
		return fmt.Sprintf("0x%x", v.Bytes)
	}
	return v.Type.String()
}

// Size is the number of bytes the value counts for in the service's size
// limits: 8 for numbers, 1 for booleans, the length of strings and binaries.
func (v Value) Size() int {
	switch v.Type {
	case Integer, Double:
		return 8
	case Boolean:
		return 1
	case String, Binary:
		return len(v.Bytes)
	}
	return 0
}

// AppendValue appends v in the typed form used by filters and cells: the
// type byte, then the payload (strings and binaries with a uint32 length).
func AppendValue(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.Type))
	switch v.Type {
	case Integer:
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v.Int))
	case Double:
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.Float))
	case Boolean:
		b := byte(0)
		if v.Bool {
			b = 1
		}
		dst = append(dst, b)
	case String, Binary:
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v.Bytes)))
		dst = append(dst, v.Bytes...)
	}
	return dst
}

// DecodeValue decodes a value in the typed form AppendValue writes, as a
// filter's column_value carries it. It requires b to hold exactly one
// value. Bytes of the result alias b.
func DecodeValue(b []byte) (Value, error) {
	v, n, err := readValue(b, 0)
	if err != nil {
		return Value{}, err
	}
	if n != len(b) {
		return Value{}, &Error{Offset: n, Msg: fmt.Sprintf("%d bytes after the %s value", len(b)-n, v.Type)}
	}
	return v, nil
}

// readValue reads a typed value at b[off:] and returns it with the offset
// just past it.
func readValue(b []byte, off int) (Value, int, error) {
	if off >= len(b) {
		return Value{}, off, &Error{Offset: off, Msg: "value type missing"}
	}
	t := Type(b[off])
	off++
	need := func(n int) error {
		if len(b)-off < n {
			return &Error{Offset: off, Msg: fmt.Sprintf("%s value needs %d bytes, %d left", t, n, len(b)-off)}
		}
		return nil
	}
	v := Value{Type: t}
	switch t {
	case Integer, Double:
		if err := need(8); err != nil {
			return Value{}, off, err
		}
		u := binary.LittleEndian.Uint64(b[off:])
		if t == Integer {
			v.Int = int64(u)
		} else {
			v.Float = math.Float64frombits(u)
		}
		off += 8
	case Boolean:
		if err := need(1); err != nil {
			return Value{}, off, err
		}
		v.Bool = b[off] != 0
		off++
	case String, Binary:
		if err := need(4); err != nil {
			return Value{}, off, err
		}
		n := binary.LittleEndian.Uint32(b[off:])
		off += 4
		if uint64(n) > uint64(len(b)-off) {
			return Value{}, off, &Error{Offset: off, Msg: fmt.Sprintf("%s length %d exceeds the %d bytes left", t, n, len(b)-off)}
		}
		v.Bytes = b[off : off+int(n) : off+int(n)]
		off += int(n)
	case InfMin, InfMax, AutoIncrement:
	default:
		return Value{}, off - 1, &Error{Offset: off - 1, Msg: fmt.Sprintf("unknown value type 0x%x", byte(t))}
	}
	return v, off, nil
}

// Compare orders two values of the same type: integers and doubles
// numerically, strings and binaries bytewise, false before true. INF_MIN
// sorts before and INF_MAX after every other value. ok is false when the
// types differ (and neither is INF_MIN or INF_MAX) or are not comparable.
func Compare(a, b Value) (c int, ok bool) {
	switch {
	case a.Type == InfMin || b.Type == InfMax:
		if a.Type == b.Type {
			return 0, true
		}
		return -1, true
	case a.Type == InfMax || b.Type == InfMin:
		return 1, true
	case a.Type != b.Type:
		return 0, false
	}
	switch a.Type {
	case Integer:
		return cmp.Compare(a.Int, b.Int), true
	case Double:
		return cmp.Compare(a.Float, b.Float), true
	case Boolean:
		switch {
		case a.Bool == b.Bool:
			return 0, true
		case b.Bool:
			return -1, true
		}
		return 1, true
	case String, Binary:
		return bytes.Compare(a.Bytes, b.Bytes), true
	}
	return 0, false
}

// Error is a malformed plain buffer: what was wrong and at which byte.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("plain buffer: byte %d: %s", e.Offset, e.Msg) }
