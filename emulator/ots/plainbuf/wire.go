package plainbuf

// Wire constants: the header word and the tags (TAG_* in the protocol).
const (
	header        = 0x75
	tagRowPK      = 0x01
	tagRowData    = 0x02
	tagCell       = 0x03
	tagCellName   = 0x04
	tagCellValue  = 0x05
	tagCellOp     = 0x06
	tagCellTime   = 0x07
	tagDeleteMark = 0x08
	tagRowCRC     = 0x09
	tagCellCRC    = 0x0a
	tagExtension  = 0x0b
	tagSeqInfo    = 0x0c
	tagSeqEpoch   = 0x0d
	tagSeqTime    = 0x0e
	tagSeqIndex   = 0x0f
)

// seqInfoLen is the length of TAG_SEQ_INFO's body (epoch, time, row index
// with their tags); extensionLen that of TAG_EXTENSION's, which holds it.
const (
	seqInfoLen   = 1 + 4 + 1 + 8 + 1 + 4
	extensionLen = 1 + 4 + seqInfoLen
)

// tagName names a tag byte for error messages.
func tagName(t byte) string {
	names := [...]string{
		tagRowPK: "TAG_ROW_PK", tagRowData: "TAG_ROW_DATA", tagCell: "TAG_CELL",
		tagCellName: "TAG_CELL_NAME", tagCellValue: "TAG_CELL_VALUE",
		tagCellOp: "TAG_CELL_TYPE", tagCellTime: "TAG_CELL_TIMESTAMP",
		tagDeleteMark: "TAG_DELETE_ROW_MARKER", tagRowCRC: "TAG_ROW_CHECKSUM",
		tagCellCRC: "TAG_CELL_CHECKSUM", tagExtension: "TAG_EXTENSION",
	}
	if int(t) < len(names) && names[t] != "" {
		return names[t]
	}
	return "unknown tag"
}

// crcTable is the CRC-8 (polynomial x^8+x^2+x+1, 0x07) lookup table.
var crcTable = func() (t [256]byte) {
	for i := range t {
		x := byte(i)
		for range 8 {
			if x&0x80 != 0 {
				x = x<<1 ^ 0x07
			} else {
				x <<= 1
			}
		}
		t[i] = x
	}
	return t
}()

// crc8Byte folds one byte into crc.
func crc8Byte(crc, b byte) byte { return crcTable[crc^b] }

// crc8 folds bytes into crc.
func crc8(crc byte, b []byte) byte {
	for _, c := range b {
		crc = crcTable[crc^c]
	}
	return crc
}

// crc8String folds the bytes of s into crc.
func crc8String(crc byte, s string) byte {
	for i := 0; i < len(s); i++ {
		crc = crcTable[crc^s[i]]
	}
	return crc
}

// validOp reports whether op may appear after TAG_CELL_TYPE.
func validOp(op Op) bool {
	return op == OpDeleteAll || op == OpDeleteOne || op == OpIncrement
}
