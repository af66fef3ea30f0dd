package plainbuf

import "encoding/binary"

// Append appends a plain buffer holding rows to dst: the header, then each
// row as AppendRow writes it. The bytes are those the Tablestore Go SDK
// writes for the same content. With no rows it writes the header alone,
// which Decode rejects.
func Append(dst []byte, rows ...Row) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, header)
	for _, r := range rows {
		dst = AppendRow(dst, r)
	}
	return dst
}

// AppendRow appends one row without the header, for building a buffer of
// several rows (GetRange, BatchGetRow) after a header written by Append.
//
// TAG_ROW_DATA is written only when the row has attribute cells, as the SDK
// does. Each cell is written with its value when HasValue is set, its op
// byte when Op is not OpPut, and its timestamp when HasTimestamp is set.
// Values of a type outside the Type constants are written as their type
// byte alone and do not decode.
func AppendRow(dst []byte, r Row) []byte {
	dst = append(dst, tagRowPK)
	var crc, cellCRC byte
	for _, c := range r.PrimaryKey {
		dst, cellCRC = appendCell(dst, c)
		crc = crc8Byte(crc, cellCRC)
	}
	if len(r.Cells) > 0 {
		dst = append(dst, tagRowData)
		for _, c := range r.Cells {
			dst, cellCRC = appendCell(dst, c)
			crc = crc8Byte(crc, cellCRC)
		}
	}
	if r.Deleted {
		dst = append(dst, tagDeleteMark)
		crc = crc8Byte(crc, 1)
	} else {
		crc = crc8Byte(crc, 0)
	}
	if r.Sequence != nil {
		dst = appendExtension(dst, *r.Sequence)
	}
	return append(dst, tagRowCRC, crc)
}

// appendExtension appends the row extension holding a stream record's
// sequence info, laid out as the SDKs read it: TAG_EXTENSION and the
// length of what follows, TAG_SEQ_INFO and the length of what follows,
// then the epoch, time and row index, each after its tag. It is outside
// the row checksum.
func appendExtension(dst []byte, s Sequence) []byte {
	dst = append(dst, tagExtension)
	dst = binary.LittleEndian.AppendUint32(dst, extensionLen)
	dst = append(dst, tagSeqInfo)
	dst = binary.LittleEndian.AppendUint32(dst, seqInfoLen)
	dst = append(dst, tagSeqEpoch)
	dst = binary.LittleEndian.AppendUint32(dst, s.Epoch)
	dst = append(dst, tagSeqTime)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(s.Timestamp))
	dst = append(dst, tagSeqIndex)
	return binary.LittleEndian.AppendUint32(dst, s.RowIndex)
}

// appendCell appends one cell and returns the extended buffer and the
// cell's checksum. The checksum covers the name, the typed value, the
// timestamp and then the op byte: the op comes last in the checksum though
// it precedes the timestamp on the wire.
func appendCell(dst []byte, c Cell) ([]byte, byte) {
	dst = append(dst, tagCell, tagCellName)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(c.Name)))
	dst = append(dst, c.Name...)
	crc := crc8String(0, c.Name)
	if c.HasValue {
		dst = append(dst, tagCellValue, 0, 0, 0, 0)
		start := len(dst)
		dst = AppendValue(dst, c.Value)
		binary.LittleEndian.PutUint32(dst[start-4:], uint32(len(dst)-start))
		crc = crc8(crc, dst[start:])
	}
	if c.Op != OpPut {
		dst = append(dst, tagCellOp, byte(c.Op))
	}
	if c.HasTimestamp {
		dst = append(dst, tagCellTime)
		dst = binary.LittleEndian.AppendUint64(dst, uint64(c.Timestamp))
		crc = crc8(crc, dst[len(dst)-8:])
	}
	if c.Op != OpPut {
		crc = crc8Byte(crc, byte(c.Op))
	}
	return append(dst, tagCellCRC, crc), crc
}
