package plainbuf

import "testing"

// FuzzDecode checks that Decode never panics, fails only with *Error, and
// that whatever it accepts re-encodes to a canonical buffer holding the
// same rows.
func FuzzDecode(f *testing.F) {
	for _, b := range validBuffers(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
		if r, err := DecodeRow(b); err == nil {
			if rows, err := Decode(b); err != nil || len(rows) != 1 || !equalRows(rows, []Row{r}) {
				t.Fatalf("DecodeRow(%x) = %+v, but Decode gives %+v, %v", b, r, rows, err)
			}
		}
	})
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
	f.Add("", byte(0), int64(-1), -0.0, []byte{}, byte(3), int64(123), true, false, true)
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
