// Package plainbuf encodes and decodes Tablestore's PlainBuffer, the row
// format inside the protocol's protobuf messages: a 4-byte header, then rows
// of tagged primary-key and attribute cells, each cell and row closed by a
// CRC-8 checksum.
//
// Unlike the SDK's own reader, the decoder keeps everything a server needs:
// cell operation types (put, delete one version, delete all versions,
// increment), timestamps, the delete-row marker and the special primary-key
// values INF_MIN, INF_MAX and AUTO_INCREMENT. It verifies every checksum and
// rejects malformed input with an *Error naming the problem and its offset.
//
// # Wire format
//
// All integers are little-endian.
//
//	buffer = header:u32 (0x75) row+
//	row    = 0x01 cell* [0x02 cell+] [0x08] [0x0b extlen:u32 ext] 0x09 rowcrc:u8
//	cell   = 0x03 0x04 namelen:u32 name
//	         [0x05 vlen:u32 value] [0x06 op:u8] [0x07 ts:i64] 0x0a cellcrc:u8
//	value  = type:u8 payload   (vlen counts the type byte and the payload)
//
// Tags: 0x01 TAG_ROW_PK, 0x02 TAG_ROW_DATA, 0x03 TAG_CELL, 0x04
// TAG_CELL_NAME, 0x05 TAG_CELL_VALUE, 0x06 TAG_CELL_TYPE (the op), 0x07
// TAG_CELL_TIMESTAMP, 0x08 TAG_DELETE_ROW_MARKER, 0x09 TAG_ROW_CHECKSUM,
// 0x0a TAG_CELL_CHECKSUM, 0x0b TAG_EXTENSION.
//
// Payloads: Integer and Double 8 bytes, Boolean 1 byte, String and Binary a
// uint32 length then the bytes, InfMin, InfMax and AutoIncrement nothing.
// An absent op byte means put; the op bytes are OpDeleteAll, OpDeleteOne
// (with a timestamp) and OpIncrement (with an Integer value).
//
// # Checksums
//
// Checksums are CRC-8 with polynomial 0x07 and initial value 0. A cell's
// checksum covers its name bytes, then its typed value (the type byte and
// payload, without vlen), then the 8 timestamp bytes, then the op byte: the
// op is checksummed after the timestamp though it precedes it on the wire.
// A row's checksum folds in each cell checksum, primary-key cells first,
// then one byte: 1 if the row carries the delete marker, else 0. The
// extension is outside every checksum.
//
// # Strictness
//
// The decoder accepts what the service accepts and refuses the rest. The
// header, every tag where the grammar puts one, every value's type and
// length, the op bytes and every cell and row checksum are checked, with
// no exception.
//
// One leniency: DecodeRow, which reads the one-row buffers of requests
// (primary keys and row changes), accepts zero bytes after the row
// checksum. The Node.js SDK (npm tablestore, 5.6.5) sends them: it
// allocates each buffer zero-filled at a size computed beforehand and
// sends the whole allocation, and that size counts bytes it never writes:
// one for each INF_MIN, INF_MAX and AUTO_INCREMENT key value (counted with
// a payload byte they do not have), 5 for each version deleted by an
// UpdateRow DELETE (counted as a value instead of a timestamp), 22 for
// each UpdateRow PUT with a timestamp (counted as an extra column named
// "timestamp"). A GetRange from INF_MIN to INF_MAX over three key columns
// thus carries three zero bytes after each bound, an auto-increment PutRow
// one. The service accepts these requests. How many bytes come follows the
// SDK's size arithmetic, so any number of them is accepted (the request
// size limit bounds them); they are not part of the Row.
//
// Refused all the same, with an *Error naming the byte and its offset:
//   - a nonzero byte after the row, padding or not: a second row, or
//     something no SDK writes (whether the service would skip it is not
//     known, and it most likely means a malformed buffer);
//   - zero bytes inside a row: after a value, between cells, before the
//     row checksum, or counted in a value's length (an INF_MIN with a
//     length of 2);
//   - zero bytes and no row;
//   - padding in Decode, whose buffers of rows come from responses and the
//     store, never from an SDK's request;
//   - bytes after a filter's column value in DecodeValue: every SDK sizes
//     those exactly.
//
// The Go, Java and Python SDKs write no padding: their bytes for the same
// rows are identical to Append's, as the fixtures in
// ../testdata/sdk show.
//
// # Extension
//
// Stream records carry TAG_EXTENSION with a sequence-info body, before the
// row checksum and outside it:
//
//	0x0b extlen:u32 (24) 0x0c seqlen:u32 (19)
//	     0x0d epoch:u32 0x0e timestamp:i64 (microseconds) 0x0f rowindex:u32
//
// as the Go, Java and C# SDKs read and write it. Requests never carry one.
// Row.Sequence holds it: the encoder writes it when set, and the decoder
// fills it from a body of exactly that shape; any other body is skipped by
// its length prefix.
package plainbuf
