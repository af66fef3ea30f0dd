package plainbuf

import (
	"fmt"
	"testing"
)

// benchRow is a row of one key and ten attribute cells of mixed types.
func benchRow() Row {
	r := Row{PrimaryKey: pk("id", Str("user-0001"), "seq", Int(42))}
	for i := range 10 {
		var v Value
		switch i % 4 {
		case 0:
			v = Str(fmt.Sprintf("value number %d", i))
		case 1:
			v = Int(int64(i) * 1000)
		case 2:
			v = Float(float64(i) / 3)
		default:
			v = Bool(i%2 == 0)
		}
		r.Cells = append(r.Cells, Cell{Name: fmt.Sprintf("col%02d", i), Value: v, HasValue: true,
			Timestamp: 1700000000000 + int64(i), HasTimestamp: true})
	}
	return r
}

func BenchmarkDecode(b *testing.B) {
	buf := Append(nil, benchRow())
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	r := benchRow()
	buf := Append(nil, r)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = Append(buf[:0], r)
	}
}

// BenchmarkDecodeRange decodes a GetRange-sized buffer of 100 such rows.
func BenchmarkDecodeRange(b *testing.B) {
	rows := make([]Row, 100)
	for i := range rows {
		rows[i] = benchRow()
	}
	buf := Append(nil, rows...)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeRow decodes the one-row buffer of a PutRow request.
func BenchmarkDecodeRow(b *testing.B) {
	buf := Append(nil, benchRow())
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeRow(buf); err != nil {
			b.Fatal(err)
		}
	}
}
