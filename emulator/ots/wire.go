package ots

import (
	"google.golang.org/protobuf/encoding/protowire"
)

// The row answers are plain structs encoded by hand: the SDK's generated
// types go through protobuf's slow legacy path and allocate a message per
// row, per capacity and per number, which costs more than the rest of a
// 200-row BatchWriteRow. Each encoder writes what proto.Marshal writes
// for the matching otsprotocol message, as wire_test.go checks.

// wireMarshaler is an answer that encodes itself.
type wireMarshaler interface{ appendWire(b []byte) []byte }

// capacity is the capacity units an operation consumed.
type capacity struct{ read, write int32 }

// writeReply answers PutRow, UpdateRow and DeleteRow, which share a
// layout: consumed (1), row (2).
type writeReply struct {
	cu  capacity
	row []byte // nil: absent
}

// getRowReply answers GetRow: consumed (1), row (2, required).
type getRowReply struct {
	cu  capacity
	row []byte
}

// getRangeReply answers GetRange: consumed (1), rows (2, required),
// next_start_primary_key (3).
type getRangeReply struct {
	cu   capacity
	rows []byte
	next []byte // nil: the range is done
}

// rowReply is one row of a batch answer: is_ok (1), error (2),
// consumed (3), row (4).
type rowReply struct {
	err *Error // nil: ok
	cu  capacity
	row []byte // nil: absent
}

// tableReply is one table of a batch answer: table_name (1), rows (2).
type tableReply struct {
	name string
	rows []rowReply
}

// batchReply answers BatchGetRow and BatchWriteRow: tables (1).
type batchReply struct{ tables []tableReply }

// appendMessage appends field num holding the message f appends.
func appendMessage(b []byte, num protowire.Number, f func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	at := len(b)
	b = append(b, 0) // the length, when under 128 bytes
	b = f(b)
	n := len(b) - at - 1
	if n < 128 {
		b[at] = byte(n)
		return b
	}
	size := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, size-1)...)
	copy(b[at+size:], b[at+1:at+1+n])
	protowire.AppendVarint(b[at:at], uint64(n))
	return b
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendStringField(b []byte, num protowire.Number, v string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, v)
}

// appendCapacity appends a ConsumedCapacity{capacity_unit{read, write}}.
func appendCapacity(b []byte, num protowire.Number, cu capacity) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		return appendMessage(b, 1, func(b []byte) []byte {
			b = appendVarintField(b, 1, uint64(int64(cu.read)))
			return appendVarintField(b, 2, uint64(int64(cu.write)))
		})
	})
}

func (r writeReply) appendWire(b []byte) []byte {
	b = appendCapacity(b, 1, r.cu)
	if r.row != nil {
		b = appendBytesField(b, 2, r.row)
	}
	return b
}

func (r getRowReply) appendWire(b []byte) []byte {
	b = appendCapacity(b, 1, r.cu)
	return appendBytesField(b, 2, r.row)
}

func (r getRangeReply) appendWire(b []byte) []byte {
	b = appendCapacity(b, 1, r.cu)
	b = appendBytesField(b, 2, r.rows)
	if r.next != nil {
		b = appendBytesField(b, 3, r.next)
	}
	return b
}

func (r batchReply) appendWire(b []byte) []byte {
	for _, t := range r.tables {
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendStringField(b, 1, t.name)
			for _, row := range t.rows {
				b = appendMessage(b, 2, row.appendWire)
			}
			return b
		})
	}
	return b
}

func (r rowReply) appendWire(b []byte) []byte {
	if r.err != nil {
		b = appendVarintField(b, 1, 0)
		return appendMessage(b, 2, func(b []byte) []byte {
			b = appendStringField(b, 1, r.err.Code)
			return appendStringField(b, 2, r.err.Message)
		})
	}
	b = appendVarintField(b, 1, 1)
	b = appendCapacity(b, 3, r.cu)
	if r.row != nil {
		b = appendBytesField(b, 4, r.row)
	}
	return b
}
