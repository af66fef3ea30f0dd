package ots

import (
	"encoding/binary"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// Row keys in the store order rows as the service does: by primary-key
// columns in schema order, integers as signed numbers, strings and
// binaries bytewise. Each column is a marker byte then its value: 0x01 for a
// value, 0x00 for INF_MIN and 0x02 for INF_MAX (range bounds only), so a
// bound with INF_MIN or INF_MAX at a column sorts before or after every key
// that shares the columns before it.
const (
	markInfMin = 0x00
	markValue  = 0x01
	markInfMax = 0x02
)

// appendKey appends the store key of a primary key. It stops after the
// first INF_MIN or INF_MAX: what follows cannot change the order.
func appendKey(dst []byte, pk []plainbuf.Cell) []byte {
	for _, c := range pk {
		switch v := c.Value; v.Type {
		case plainbuf.InfMin:
			return append(dst, markInfMin)
		case plainbuf.InfMax:
			return append(dst, markInfMax)
		case plainbuf.Integer:
			dst = append(dst, markValue)
			dst = binary.BigEndian.AppendUint64(dst, uint64(v.Int)^(1<<63))
		default:
			dst = append(dst, markValue)
			dst = appendEscaped(dst, v.Bytes)
		}
	}
	return dst
}

// appendEscaped writes b so that bytewise order is kept and no encoding is
// a prefix of another: 0x00 becomes 0x00 0xff, and 0x00 0x01 ends it.
func appendEscaped(dst, b []byte) []byte {
	for _, c := range b {
		if c == 0 {
			dst = append(dst, 0, 0xff)
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, 0, 1)
}

// partitionKey is the store key of the first primary-key column alone.
func partitionKey(pk []plainbuf.Cell) string {
	return string(appendKey(nil, pk[:1]))
}
