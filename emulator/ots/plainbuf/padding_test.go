package plainbuf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// allZero reports whether every byte of b is zero.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// nodeBuffers returns the Node.js SDK's plain-buffer fixtures.
func nodeBuffers(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "node", "*.plainbuf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Node.js fixtures: %v", err)
	}
	var bufs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bufs = append(bufs, b)
	}
	return bufs
}

// TestDecodeRowPadding accepts zero bytes after a row's checksum, as many
// as the Node.js SDK writes and more, and nothing else after it.
func TestDecodeRowPadding(t *testing.T) {
	want, err := DecodeRow(unhex(t, captured))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 27, 4096} {
		b := append(unhex(t, captured), make([]byte, n)...)
		got, err := DecodeRow(b)
		if err != nil {
			t.Fatalf("%d zero bytes: %v", n, err)
		}
		if !equalRows([]Row{got}, []Row{want}) {
			t.Fatalf("%d zero bytes: got %+v\nwant %+v", n, got, want)
		}
	}
}

// TestDecodeRowPaddingErrors checks what stays refused around the padding:
// a nonzero byte after it, zero bytes anywhere inside a row, in a value's
// length, or with no row, and every checksum and type as without padding.
func TestDecodeRowPaddingErrors(t *testing.T) {
	end := len(unhex(t, captured)) // offset of the first byte after the row
	tests := []struct {
		name   string
		in     []byte
		want   string
		offset int
	}{
		{"nonzero after zeros", append(unhex(t, captured), 0, 0, 0x01),
			"3 bytes after the row, want exactly one row: byte 0x01 at 104 is not zero padding", end + 2},
		{"second row after zeros", append(append(unhex(t, captured), 0), unhex(t, captured)[4:]...),
			"bytes after the row, want exactly one row: byte 0x01 at 103 is not zero padding", end + 1},
		{"zero after an ordinary value", edit(t, "61 0a19", "61 00 0a19"),
			`row 0: primary-key cell "pk1": want TAG_CELL_CHECKSUM (0x0a), got unknown tag (0x00)`, 25},
		{"zero after a cell", edit(t, "0a19 03", "0a19 00 03"),
			"row 0: want TAG_ROW_CHECKSUM (0x09), got unknown tag (0x00)", 27},
		{"zero before the row checksum", edit(t, "0ac6 09 0d", "0ac6 00 09 0d"),
			"row 0: want TAG_ROW_CHECKSUM (0x09), got unknown tag (0x00)", end - 2},
		{"zero inside a special value", edit(t, "05 01000000 0b 0af9", "05 02000000 0b 00 0af9"),
			`row 0: primary-key cell "pk2": value length 2, but the AUTO_INCREMENT value takes 1 bytes`, 41},
		{"zeros and no row", []byte{0x75, 0, 0, 0, 0, 0},
			"want TAG_ROW_PK (0x01), got unknown tag (0x00)", 4},
		{"padding does not excuse a checksum", append(edit(t, "09 0d", "09 0e"), 0),
			"row 0: checksum 0x0e, computed 0x0d", end - 1},
		{"padding does not excuse a type", append(edit(t, "03 01000000 61", "06 01000000 61"), 0),
			`row 0: primary-key cell "pk1": unknown value type 0x6`, 19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRow(tt.in)
			if e := asError(t, err, tt.want); e.Offset != tt.offset {
				t.Errorf("offset %d, want %d", e.Offset, tt.offset)
			}
			_, err = Decode(tt.in)
			asError(t, err, "")
		})
	}
}

// TestNodeFixturePaddingErrors corrupts the Node.js SDK's own padded
// buffers: a nonzero padding byte, a wrong checksum and an unknown type are
// refused, naming the byte.
func TestNodeFixturePaddingErrors(t *testing.T) {
	for name, pad := range nodePadding {
		t.Run(name, func(t *testing.T) {
			b := readFixture(t, "node", name+".plainbuf")
			last := len(b) - 1
			c := bytes.Clone(b)
			c[last] = 0xff
			_, err := DecodeRow(c)
			if e := asError(t, err, "is not zero padding"); e.Offset != last {
				t.Errorf("nonzero padding: offset %d, want %d", e.Offset, last)
			}
			c = bytes.Clone(b)
			crc := len(b) - pad - 1
			c[crc] ^= 0x01
			_, err = DecodeRow(c)
			if e := asError(t, err, "row 0: checksum"); e.Offset != crc {
				t.Errorf("row checksum: offset %d, want %d", e.Offset, crc)
			}
			c = bytes.Clone(b)
			typ := bytes.Index(c, []byte("pk1")) + 3 + 5 // after the name, TAG_CELL_VALUE and the length
			c[typ] = 0x06
			_, err = DecodeRow(c)
			asError(t, err, `cell "pk1": unknown value type 0x6`)
		})
	}
}
