package plainbuf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"
)

// unhex decodes hex that may contain spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// equalValues compares values field by field, doubles by their bits and
// nil and empty byte slices as equal.
func equalValues(a, b Value) bool {
	return a.Type == b.Type && a.Int == b.Int && a.Bool == b.Bool &&
		math.Float64bits(a.Float) == math.Float64bits(b.Float) && bytes.Equal(a.Bytes, b.Bytes)
}

func equalCells(a, b []Cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || x.HasValue != y.HasValue || x.Op != y.Op ||
			x.HasTimestamp != y.HasTimestamp || x.Timestamp != y.Timestamp || !equalValues(x.Value, y.Value) {
			return false
		}
	}
	return true
}

func equalRows(a, b []Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Deleted != b[i].Deleted || !equalCells(a[i].PrimaryKey, b[i].PrimaryKey) || !equalCells(a[i].Cells, b[i].Cells) {
			return false
		}
	}
	return true
}

// pk returns primary-key cells from name, value pairs.
func pk(kv ...any) []Cell {
	var cells []Cell
	for i := 0; i < len(kv); i += 2 {
		cells = append(cells, Cell{Name: kv[i].(string), Value: kv[i+1].(Value), HasValue: true})
	}
	return cells
}

// sampleRows covers every value type, op, timestamps and delete markers.
func sampleRows() []Row {
	return []Row{
		{PrimaryKey: pk("id", Str("a"), "n", Int(-1), "b", Bin([]byte{0, 0xff}))},
		{PrimaryKey: pk("id", Int(math.MinInt64)), Deleted: true},
		{PrimaryKey: pk("lo", Value{Type: InfMin}, "hi", Value{Type: InfMax}, "auto", Value{Type: AutoIncrement})},
		{PrimaryKey: pk("id", Str("")), Cells: []Cell{
			{Name: "s", Value: Str("héllo"), HasValue: true},
			{Name: "i", Value: Int(math.MaxInt64), HasValue: true, Timestamp: 1699000000000, HasTimestamp: true},
			{Name: "f", Value: Float(-2.5), HasValue: true},
			{Name: "nan", Value: Float(math.NaN()), HasValue: true},
			{Name: "inf", Value: Float(math.Inf(-1)), HasValue: true},
			{Name: "t", Value: Bool(true), HasValue: true},
			{Name: "false", Value: Bool(false), HasValue: true},
			{Name: "bin", Value: Bin(nil), HasValue: true},
			{Name: "", Value: Str("empty name"), HasValue: true},
		}},
		{PrimaryKey: pk("id", Int(7)), Cells: []Cell{
			{Name: "all", Op: OpDeleteAll},
			{Name: "one", Op: OpDeleteOne, Timestamp: 123, HasTimestamp: true},
			{Name: "inc", Op: OpIncrement, Value: Int(2), HasValue: true},
			{Name: "neg", Op: OpIncrement, Value: Int(-3), HasValue: true, Timestamp: -1, HasTimestamp: true},
		}},
		{PrimaryKey: pk("id", Int(8)), Cells: []Cell{{Name: "c", Value: Int(1), HasValue: true}}, Deleted: true},
		{},
	}
}

func TestRoundTrip(t *testing.T) {
	for i, r := range sampleRows() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			b := Append(nil, r)
			got, err := DecodeRow(b)
			if err != nil {
				t.Fatalf("DecodeRow(%x): %v", b, err)
			}
			if !equalRows([]Row{got}, []Row{r}) {
				t.Fatalf("got %+v\nwant %+v", got, r)
			}
			if again := Append(nil, got); !bytes.Equal(again, b) {
				t.Fatalf("re-encoded %x\nwant %x", again, b)
			}
		})
	}
}

func TestRoundTripManyRows(t *testing.T) {
	rows := sampleRows()
	b := Append(nil, rows...)
	split := Append(nil, rows[0])
	for _, r := range rows[1:] {
		split = AppendRow(split, r)
	}
	if !bytes.Equal(b, split) {
		t.Fatalf("Append of all rows differs from Append then AppendRow")
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !equalRows(got, rows) {
		t.Fatalf("got %+v\nwant %+v", got, rows)
	}
}

func TestAppendKeepsDst(t *testing.T) {
	dst := []byte("prefix")
	b := Append(dst, sampleRows()[0])
	if !bytes.HasPrefix(b, []byte("prefix")) {
		t.Fatalf("Append overwrote dst: %q", b)
	}
	if _, err := Decode(b[len("prefix"):]); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeAliasesInput(t *testing.T) {
	b := Append(nil, Row{PrimaryKey: pk("id", Str("abc"))})
	r, err := DecodeRow(b)
	if err != nil {
		t.Fatal(err)
	}
	v := r.PrimaryKey[0].Value.Bytes
	if cap(v) != len(v) {
		t.Errorf("value bytes have spare capacity %d: appends would overwrite the input", cap(v)-len(v))
	}
	i := bytes.Index(b, []byte("abc"))
	b[i] = 'x'
	if string(v) != "xbc" {
		t.Errorf("value bytes %q do not alias the input", v)
	}
}

func TestCRC8(t *testing.T) {
	// CRC-8 with polynomial 0x07, initial value 0 and no reflection has the
	// check value 0xf4 for "123456789".
	if got := crc8(0, []byte("123456789")); got != 0xf4 {
		t.Errorf("crc8(123456789) = 0x%02x, want 0xf4", got)
	}
	if crc8String(0, "123456789") != 0xf4 || crc8Byte(crc8Byte(0, '1'), '2') != crc8(0, []byte("12")) {
		t.Error("crc8String or crc8Byte disagrees with crc8")
	}
}

func TestTagName(t *testing.T) {
	if got := tagName(tagCellOp); got != "TAG_CELL_TYPE" {
		t.Errorf("tagName(0x06) = %q", got)
	}
	for _, b := range []byte{0, 0x0c, 0xff} {
		if got := tagName(b); got != "unknown tag" {
			t.Errorf("tagName(0x%02x) = %q", b, got)
		}
	}
}
