package plainbuf

import (
	"errors"
	"math"
	"testing"
)

// FuzzDecode checks that Decode never panics, fails only with *Error, and
// that whatever it accepts re-encodes to a canonical buffer holding the
// same rows; and that DecodeRow accepts exactly the buffers of one row
// that Decode accepts, followed by any number of zero bytes.
func FuzzDecode(f *testing.F) {
	for _, b := range validBuffers(f) {
		f.Add(b)
	}
	for _, b := range nodeBuffers(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
		r, err := DecodeRow(b)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("DecodeRow(%x): error %v is a %T, want *Error", b, err, err)
			}
			if rows, derr := Decode(b); derr == nil && len(rows) == 1 {
				t.Fatalf("Decode(%x) reads one row, but DecodeRow fails: %v", b, err)
			}
			return
		}
		n := rowEnd(b)
		if !allZero(b[n:]) {
			t.Fatalf("DecodeRow(%x) accepts nonzero bytes after the row at %d", b, n)
		}
		if rows, err := Decode(b[:n]); err != nil || len(rows) != 1 || !equalRows(rows, []Row{r}) {
			t.Fatalf("DecodeRow(%x) = %+v, but Decode of its row gives %+v, %v", b, r, rows, err)
		}
	})
}

// rowEnd returns the offset just past the checksum of the first row of b,
// which must decode.
func rowEnd(b []byte) int {
	d := decoder{b: b}
	if d.header() != nil {
		panic("bad header")
	}
	if _, err := d.readRow(); err != nil {
		panic(err)
	}
	return d.off
}

// fuzzTypes and fuzzOps map fuzzer bytes onto valid types and ops.
var (
	fuzzTypes = []Type{Integer, Double, Boolean, String, Binary, InfMin, InfMax, AutoIncrement}
	fuzzOps   = []Op{OpPut, OpDeleteAll, OpDeleteOne, OpIncrement}
)

// FuzzAppend checks that any row of valid types and ops decodes to itself
// after Append.
func FuzzAppend(f *testing.F) {
	f.Add("c", byte(3), int64(7), 1.5, []byte("v"), byte(0), int64(0), false, true, false)
	f.Add("", byte(0), int64(-1), math.Copysign(0, -1), []byte{}, byte(3), int64(123), true, false, true)
	f.Fuzz(func(t *testing.T, name string, typ byte, i int64, fl float64, bs []byte,
		op byte, ts int64, hasTS, hasValue, deleted bool) {
		v := Value{Type: fuzzTypes[int(typ)%len(fuzzTypes)]}
		switch v.Type {
		case Integer:
			v.Int = i
		case Double:
			v.Float = fl
		case Boolean:
			v.Bool = i&1 == 1
		case String, Binary:
			v.Bytes = bs
		}
		c := Cell{Name: name, Value: v, HasValue: hasValue, Op: fuzzOps[int(op)%len(fuzzOps)],
			Timestamp: ts, HasTimestamp: hasTS}
		if !hasValue {
			c.Value = Value{}
		}
		if !hasTS {
			c.Timestamp = 0
		}
		want := []Row{{PrimaryKey: []Cell{c}, Cells: []Cell{c, c}, Deleted: deleted}, {PrimaryKey: []Cell{c}}}
		got, err := Decode(Append(nil, want...))
		if err != nil {
			t.Fatalf("Decode(Append(%+v)): %v", want, err)
		}
		if !equalRows(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})
}
