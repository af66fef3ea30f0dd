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
package plainbuf
