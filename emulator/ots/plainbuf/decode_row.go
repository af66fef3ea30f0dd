package plainbuf

import "encoding/binary"

// readRow reads one row, from TAG_ROW_PK to its checksum.
func (d *decoder) readRow() (Row, error) {
	var r Row
	d.inRow = true
	if err := d.expect(tagRowPK); err != nil {
		return Row{}, err
	}
	var crc byte
	var err error
	if r.PrimaryKey, crc, err = d.readCells("primary-key", crc); err != nil {
		return Row{}, err
	}
	if d.at(tagRowData) {
		d.off++
		if !d.at(tagCell) {
			return Row{}, d.errf("%s with no cells", tagName(tagRowData))
		}
		if r.Cells, crc, err = d.readCells("attribute", crc); err != nil {
			return Row{}, err
		}
	}
	if d.at(tagDeleteMark) {
		d.off++
		r.Deleted = true
	}
	if d.at(tagExtension) {
		seq, err := d.readExtension()
		if err != nil {
			return Row{}, err
		}
		r.Sequence = seq
	}
	if err := d.rowChecksum(crc, r.Deleted); err != nil {
		return Row{}, err
	}
	d.inRow = false
	return r, nil
}

// readCells reads the cells of one section, folding each cell checksum
// into the row checksum crc.
func (d *decoder) readCells(section string, crc byte) ([]Cell, byte, error) {
	var cells []Cell
	d.section, d.cellN = section, 0
	defer func() { d.section, d.named = "", false }()
	for d.at(tagCell) {
		c, cellCRC, err := d.readCell()
		if err != nil {
			return nil, 0, err
		}
		cells = append(cells, c)
		crc = crc8Byte(crc, cellCRC)
		d.cellN++
		d.named = false
	}
	return cells, crc, nil
}

// readExtension reads TAG_EXTENSION and its body, whose length follows the
// tag as a uint32. It returns the sequence info when the body is exactly
// the one TAG_SEQ_INFO stream records carry, and nil for any other body,
// which it skips by its length.
func (d *decoder) readExtension() (*Sequence, error) {
	d.off++
	n, err := d.u32("extension length")
	if err != nil {
		return nil, err
	}
	body, err := d.take(uint64(n), "extension")
	if err != nil {
		return nil, err
	}
	return parseSequence(body), nil
}

// parseSequence parses an extension body holding TAG_SEQ_INFO alone, or
// returns nil.
func parseSequence(b []byte) *Sequence {
	if len(b) != extensionLen || b[0] != tagSeqInfo || binary.LittleEndian.Uint32(b[1:]) != seqInfoLen ||
		b[5] != tagSeqEpoch || b[10] != tagSeqTime || b[19] != tagSeqIndex {
		return nil
	}
	return &Sequence{
		Epoch:     binary.LittleEndian.Uint32(b[6:]),
		Timestamp: int64(binary.LittleEndian.Uint64(b[11:])),
		RowIndex:  binary.LittleEndian.Uint32(b[20:]),
	}
}

// rowChecksum reads the row checksum and compares it with crc folded with
// the delete marker.
func (d *decoder) rowChecksum(crc byte, deleted bool) error {
	if deleted {
		crc = crc8Byte(crc, 1)
	} else {
		crc = crc8Byte(crc, 0)
	}
	if err := d.expect(tagRowCRC); err != nil {
		return err
	}
	p, err := d.take(1, "row checksum")
	if err != nil {
		return err
	}
	if p[0] != crc {
		d.off--
		return d.errf("checksum 0x%02x, computed 0x%02x", p[0], crc)
	}
	return nil
}

// readCell reads one cell from TAG_CELL to its checksum and returns it with
// the checksum. The checksum is computed over the wire bytes in the order
// name, value, timestamp, op.
func (d *decoder) readCell() (Cell, byte, error) {
	d.off++ // TAG_CELL
	if err := d.expect(tagCellName); err != nil {
		return Cell{}, 0, err
	}
	n, err := d.u32("cell name length")
	if err != nil {
		return Cell{}, 0, err
	}
	name, err := d.take(uint64(n), "cell name")
	if err != nil {
		return Cell{}, 0, err
	}
	c := Cell{Name: string(name)}
	d.name, d.named = c.Name, true
	crc := crc8(0, name)
	if d.at(tagCellValue) {
		raw, err := d.readValue(&c.Value)
		if err != nil {
			return Cell{}, 0, err
		}
		c.HasValue = true
		crc = crc8(crc, raw)
	}
	if d.at(tagCellOp) {
		if err := d.readOp(&c); err != nil {
			return Cell{}, 0, err
		}
	}
	if d.at(tagCellTime) {
		d.off++
		p, err := d.take(8, "timestamp")
		if err != nil {
			return Cell{}, 0, err
		}
		c.Timestamp, c.HasTimestamp = int64(binary.LittleEndian.Uint64(p)), true
		crc = crc8(crc, p)
	}
	if c.Op != OpPut {
		crc = crc8Byte(crc, byte(c.Op))
	}
	return c, crc, d.cellChecksum(crc)
}

// readValue reads TAG_CELL_VALUE, the value length and the typed value into
// v, and returns the typed value's bytes for the checksum.
func (d *decoder) readValue(v *Value) ([]byte, error) {
	d.off++
	n, err := d.u32("value length")
	if err != nil {
		return nil, err
	}
	if err := d.need(uint64(n), "value"); err != nil {
		return nil, err
	}
	start, end := d.off, d.off+int(n)
	val, next, err := readValue(d.b[:end], start)
	if err != nil {
		return nil, d.wrap(err)
	}
	if next != end {
		return nil, d.errf("value length %d, but the %s value takes %d bytes", n, val.Type, next-start)
	}
	*v, d.off = val, end
	return d.b[start:end], nil
}

// readOp reads TAG_CELL_TYPE and the op byte into c.Op.
func (d *decoder) readOp(c *Cell) error {
	d.off++
	p, err := d.take(1, "cell op")
	if err != nil {
		return err
	}
	if op := Op(p[0]); validOp(op) {
		c.Op = op
		return nil
	}
	d.off--
	return d.errf("unknown cell op 0x%02x", p[0])
}

// cellChecksum reads the cell checksum and compares it with crc.
func (d *decoder) cellChecksum(crc byte) error {
	if err := d.expect(tagCellCRC); err != nil {
		return err
	}
	p, err := d.take(1, "cell checksum")
	if err != nil {
		return err
	}
	if p[0] != crc {
		d.off--
		return d.errf("checksum 0x%02x, computed 0x%02x", p[0], crc)
	}
	return nil
}
