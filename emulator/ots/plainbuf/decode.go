package plainbuf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Decode decodes a plain buffer: the header, then one or more rows. It
// verifies the header and every cell and row checksum, and keeps op types,
// timestamps, delete markers and the special primary-key values.
//
// The Bytes of String and Binary values in the result alias b; cell names
// are copied. A row extension (TAG_EXTENSION, the sequence info of stream
// records) goes to Row.Sequence, or is skipped by its length prefix when it
// holds anything else; it is not covered by the row checksum. Malformed
// input gives an *Error.
func Decode(b []byte) ([]Row, error) {
	d := decoder{b: b}
	if err := d.header(); err != nil {
		return nil, err
	}
	var rows []Row
	for d.off < len(b) {
		r, err := d.readRow()
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
		d.rowN++
	}
	if len(rows) == 0 {
		return nil, d.errf("no row after the header")
	}
	return rows, nil
}

// DecodeRow decodes a plain buffer that holds exactly one row, as the
// primary keys and row changes of requests do. It checks what Decode
// checks, and its result aliases b in the same way.
//
// Zero bytes may follow the row's checksum, as they do in what the Node.js
// SDK sends (see the package documentation); any other byte after the row
// is an error.
func DecodeRow(b []byte) (Row, error) {
	d := decoder{b: b}
	if err := d.header(); err != nil {
		return Row{}, err
	}
	if d.off == len(b) {
		return Row{}, d.errf("no row after the header")
	}
	r, err := d.readRow()
	if err != nil {
		return Row{}, err
	}
	if d.off != len(b) {
		if err := d.padding(); err != nil {
			return Row{}, err
		}
	}
	return r, nil
}

// padding checks that the bytes after the row are all zero.
func (d *decoder) padding() error {
	for i := d.off; i < len(d.b); i++ {
		if d.b[i] != 0 {
			return d.errAt(i, fmt.Sprintf("%d bytes after the row, want exactly one row: byte 0x%02x at %d is not zero padding",
				len(d.b)-d.off, d.b[i], i))
		}
	}
	return nil
}

// decoder reads a plain buffer. inRow, rowN, section, cellN and name locate the
// current cell for error messages without formatting anything on success.
type decoder struct {
	b       []byte
	off     int
	rowN    int    // index of the current row
	inRow   bool   // a row is being read
	section string // "primary-key" or "attribute" while reading a cell
	cellN   int    // index of the current cell in its section
	name    string // name of the current cell, once named is set
	named   bool
}

// errf returns an *Error at the current offset, prefixed with the row and
// cell being read.
func (d *decoder) errf(format string, args ...any) error {
	return d.errAt(d.off, fmt.Sprintf(format, args...))
}

// errAt returns an *Error at off, prefixed with the row and cell being read.
func (d *decoder) errAt(off int, msg string) error {
	if !d.inRow {
		return &Error{Offset: off, Msg: msg}
	}
	prefix := fmt.Sprintf("row %d: ", d.rowN)
	switch {
	case d.named:
		prefix += fmt.Sprintf("%s cell %q: ", d.section, d.name)
	case d.section != "":
		prefix += fmt.Sprintf("%s cell %d: ", d.section, d.cellN)
	}
	return &Error{Offset: off, Msg: prefix + msg}
}

// wrap adds the row and cell context to an *Error from readValue.
func (d *decoder) wrap(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return d.errAt(e.Offset, e.Msg)
	}
	return err
}

// header checks the 4-byte header word.
func (d *decoder) header() error {
	if len(d.b) < 4 {
		return d.errf("header needs 4 bytes, %d left", len(d.b))
	}
	if h := binary.LittleEndian.Uint32(d.b); h != header {
		return d.errf("header 0x%x, want 0x%x", h, header)
	}
	d.off = 4
	return nil
}

// at reports whether the next byte is tag.
func (d *decoder) at(tag byte) bool { return d.off < len(d.b) && d.b[d.off] == tag }

// expect consumes tag or fails naming what was found instead.
func (d *decoder) expect(tag byte) error {
	if d.off >= len(d.b) {
		return d.errf("want %s (0x%02x), got end of input", tagName(tag), tag)
	}
	if got := d.b[d.off]; got != tag {
		return d.errf("want %s (0x%02x), got %s (0x%02x)", tagName(tag), tag, tagName(got), got)
	}
	d.off++
	return nil
}

// need fails unless n more bytes are left; what names the field.
func (d *decoder) need(n uint64, what string) error {
	if left := uint64(len(d.b) - d.off); n > left {
		return d.errf("%s needs %d bytes, %d left", what, n, left)
	}
	return nil
}

// take consumes n bytes after checking that they are there.
func (d *decoder) take(n uint64, what string) ([]byte, error) {
	if err := d.need(n, what); err != nil {
		return nil, err
	}
	p := d.b[d.off : d.off+int(n) : d.off+int(n)]
	d.off += int(n)
	return p, nil
}

// u32 consumes a little-endian uint32.
func (d *decoder) u32(what string) (uint32, error) {
	p, err := d.take(4, what)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}
