package plainbuf

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// captured is the PutRow fixture of TestCapturedPutRow.
const captured = "75000000 01 03 04 03000000 706b31 05 06000000 03 01000000 61 0a19" +
	" 03 04 03000000 706b32 05 01000000 0b 0af9" +
	" 02 03 04 02000000 6331 05 07000000 03 02000000 7631 0aa9" +
	" 03 04 02000000 6332 05 09000000 00 0500000000000000 07 0068e5cf8b010000 0ac6 09 0d"

// asError asserts that err is an *Error whose message contains want.
func asError(t *testing.T, err error, want string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *Error containing %q", err, err, want)
	}
	if !strings.Contains(e.Msg, want) {
		t.Fatalf("error %q, want it to contain %q", e.Msg, want)
	}
	return e
}

// edit returns a copy of the captured fixture with the first occurrence of
// old replaced by new (both hex).
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	b, o := unhex(t, captured), unhex(t, old)
	if !bytes.Contains(b, o) {
		t.Fatalf("fixture has no %s", old)
	}
	return bytes.Replace(b, o, unhex(t, new), 1)
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "header needs 4 bytes, 0 left"},
		{"short header", []byte{0x75, 0}, "header needs 4 bytes, 2 left"},
		{"wrong header", edit(t, "75000000", "76000000"), "header 0x76, want 0x75"},
		{"header only", []byte{0x75, 0, 0, 0}, "no row after the header"},
		{"cell checksum", edit(t, "0a19", "0a1a"), `row 0: primary-key cell "pk1": checksum 0x1a, computed 0x19`},
		{"special value checksum", edit(t, "0af9", "0a00"), `cell "pk2": checksum 0x00, computed 0xf9`},
		{"attribute checksum", edit(t, "0ac6", "0ac7"), `attribute cell "c2": checksum 0xc7, computed 0xc6`},
		{"row checksum", edit(t, "09 0d", "09 0e"), "row 0: checksum 0x0e, computed 0x0d"},
		{"timestamp changed", edit(t, "0068e5cf", "0168e5cf"), `cell "c2": checksum 0xc6`},
		{"unknown row tag", edit(t, "75000000 01", "75000000 0c"), "want TAG_ROW_PK (0x01), got unknown tag (0x0c)"},
		{"unknown cell tag", edit(t, "61 0a19", "61 ee19"), "want TAG_CELL_CHECKSUM (0x0a), got unknown tag (0xee)"},
		{"missing row checksum", edit(t, "09 0d", "42 0d"), "want TAG_ROW_CHECKSUM (0x09), got unknown tag (0x42)"},
		{"cell without name", edit(t, "01 03 04", "01 03 05"), "primary-key cell 0: want TAG_CELL_NAME (0x04), got TAG_CELL_VALUE (0x05)"},
		{"unknown value type", edit(t, "03 01000000 61", "06 01000000 61"), `cell "pk1": unknown value type 0x6`},
		{"value length too long", edit(t, "05 06000000", "05 07000000"), "value length 7, but the STRING value takes 6 bytes"},
		{"value length too short", edit(t, "05 06000000", "05 05000000"), "STRING length 1 exceeds the 0 bytes left"},
		{"value length zero", edit(t, "05 06000000", "05 00000000"), "value type missing"},
		{"huge value length", edit(t, "05 06000000", "05 ffffffff"), "value needs 4294967295 bytes"},
		{"huge string length", edit(t, "03 01000000 61", "03 ffffff7f 61"), "STRING length 2147483647 exceeds"},
		{"huge name length", edit(t, "04 03000000 706b31", "04 ffffffff 706b31"), "cell name needs 4294967295 bytes"},
		{"row data without cells", edit(t, "02 03 04 02000000 6331", "02 09 04 02000000 6331"), "TAG_ROW_DATA with no cells"},
		{"huge extension", edit(t, "09 0d", "0b ffffffff 09 0d"), "extension needs 4294967295 bytes, 2 left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			asError(t, err, tt.want)
			_, err = DecodeRow(tt.in)
			asError(t, err, tt.want)
		})
	}
}

func TestDecodeOpErrors(t *testing.T) {
	b := Append(nil, Row{PrimaryKey: pk("id", Int(1)), Cells: []Cell{{Name: "c", Op: OpDeleteAll}}})
	i := bytes.LastIndex(b, []byte{tagCellOp, byte(OpDeleteAll)})
	for _, op := range []byte{0, 2, 5, 0xff} {
		b[i+1] = op
		_, err := Decode(b)
		if e := asError(t, err, `attribute cell "c": unknown cell op`); e.Offset != i+1 {
			t.Errorf("op 0x%02x: offset %d, want %d", op, e.Offset, i+1)
		}
	}
}

func TestDecodeRowCount(t *testing.T) {
	trailing := append(unhex(t, captured), 0x2a)
	_, err := Decode(trailing)
	asError(t, err, "row 1: want TAG_ROW_PK (0x01), got unknown tag (0x2a)")
	_, err = DecodeRow(trailing)
	asError(t, err, "1 bytes after the row, want exactly one row: byte 0x2a at 102 is not zero padding")
	r := Row{PrimaryKey: pk("id", Int(1))}
	one := Append(nil, r)
	_, err = DecodeRow(Append(nil, r, r))
	e := asError(t, err, "bytes after the row, want exactly one row: byte 0x01 at")
	if e.Offset != len(one) {
		t.Errorf("second row: offset %d, want %d", e.Offset, len(one))
	}
	rows, err := Decode(Append(nil, r, r))
	if err != nil || len(rows) != 2 {
		t.Fatalf("Decode of two rows: %d rows, %v", len(rows), err)
	}
}

// TestDecodeExtension decodes a row carrying the sequence-info extension
// that stream records have, laid out as the Java SDK writes it.
func TestDecodeExtension(t *testing.T) {
	ext := "0b 18000000 0c 13000000 0d 01000000 0e 0800000000000000 0f 02000000"
	b := edit(t, "09 0d", ext+" 09 0d")
	r, err := DecodeRow(b)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := DecodeRow(unhex(t, captured))
	if !equalRows([]Row{r}, []Row{want}) {
		t.Fatalf("got %+v\nwant %+v", r, want)
	}
	del := Append(nil, Row{PrimaryKey: pk("id", Int(1)), Deleted: true})
	del = append(del[:len(del)-2], append(unhex(t, ext), del[len(del)-2:]...)...)
	if r, err := DecodeRow(del); err != nil || !r.Deleted {
		t.Fatalf("delete marker then extension: %+v, %v", r, err)
	}
}

// TestDecodeTruncated decodes every proper prefix of valid buffers. Only
// a prefix ending between two rows decodes, to the rows before it.
func TestDecodeTruncated(t *testing.T) {
	for _, b := range validBuffers(t) {
		all, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(b) {
			rows, err := Decode(b[:n])
			if err == nil {
				if len(rows) >= len(all) || !bytes.Equal(Append(nil, rows...), b[:n]) {
					t.Fatalf("prefix %d of %x decodes to %+v", n, b, rows)
				}
				continue
			}
			e := asError(t, err, "")
			if e.Offset < 0 || e.Offset > n {
				t.Fatalf("prefix %d of %x: offset %d out of range", n, b, e.Offset)
			}
		}
	}
}

// TestDecodeCorrupted flips every byte of valid buffers: decoding must not
// panic and must either fail with an *Error or still re-encode canonically.
func TestDecodeCorrupted(t *testing.T) {
	for _, b := range validBuffers(t) {
		for i := range b {
			c := bytes.Clone(b)
			for _, x := range []byte{0x01, 0x80, 0xff} {
				c[i] = b[i] ^ x
				checkDecode(t, c)
			}
		}
	}
}

// TestDecodeHugeLengths checks that 4 GB length prefixes fail without
// allocating for them.
func TestDecodeHugeLengths(t *testing.T) {
	for _, in := range []string{
		"75000000 01 03 04 ffffffff 6162636465 0a00 09 00",
		"75000000 01 03 04 01000000 61 05 ffffffff 03 ffffffff 62",
		"75000000 01 03 04 01000000 61 05 0a000000 07 ffffffff 62 0a00 09 00",
		"75000000 01 0b ffffffff 0c 09 00",
	} {
		b := unhex(t, in)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			_, err := Decode(b)
			asError(t, err, "")
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 100*1024 {
			t.Errorf("%s: 100 failing Decodes allocated %d bytes", in, n)
		}
	}
}

// validBuffers returns the SDK-written buffers and encodings of the sample
// rows.
func validBuffers(t testing.TB) [][]byte {
	t.Helper()
	bufs := [][]byte{unhex(t, captured), Append(nil, sampleRows()...)}
	for _, r := range sampleRows() {
		bufs = append(bufs, Append(nil, r))
	}
	for _, c := range sdkCases() {
		bufs = append(bufs, c.sdk)
	}
	return bufs
}

// checkDecode decodes b and, if that succeeds, checks that re-encoding the
// rows gives a buffer that decodes to the same rows and re-encodes to
// itself.
func checkDecode(t *testing.T, b []byte) {
	t.Helper()
	rows, err := Decode(b)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Decode(%x): error %v is a %T, want *Error", b, err, err)
		}
		return
	}
	enc := Append(nil, rows...)
	again, err := Decode(enc)
	if err != nil {
		t.Fatalf("Decode(%x) ok, but its re-encoding %x fails: %v", b, enc, err)
	}
	if !equalRows(again, rows) {
		t.Fatalf("Decode(%x) = %+v, re-encoded and decoded %+v", b, rows, again)
	}
	if enc2 := Append(nil, again...); !bytes.Equal(enc2, enc) {
		t.Fatalf("re-encoding is not canonical: %x then %x", enc, enc2)
	}
}
