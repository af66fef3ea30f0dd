package tablestore

import (
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/encoding/protowire"
)

// The row answers are encoded by hand: the SDK's generated types go
// through protobuf's slow legacy path, which costs more than the rest of a
// 200-row BatchWriteRow. Each encoder writes what proto.Marshal writes for
// the same message (fields in number order), as wire_test.go checks.

// wireMarshaler is an answer that encodes itself.
type wireMarshaler interface{ appendWire(b []byte) []byte }

type (
	batchWriteReply struct{ *pb.BatchWriteRowResponse }
	batchGetReply   struct{ *pb.BatchGetRowResponse }
	getRangeReply   struct{ *pb.GetRangeResponse }
	getRowReply     struct{ *pb.GetRowResponse }
	writeReply      struct {
		*pb.PutRowResponse // Put, Update and Delete answers share one layout
	}
)

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

func appendBool(b []byte, num protowire.Number, v bool) []byte {
	return appendVarintField(b, num, protowire.EncodeBool(v))
}

func appendConsumed(b []byte, num protowire.Number, c *pb.ConsumedCapacity) []byte {
	if c == nil {
		return b
	}
	return appendMessage(b, num, func(b []byte) []byte {
		return appendMessage(b, 1, func(b []byte) []byte {
			cu := c.GetCapacityUnit()
			if cu.Read != nil {
				b = appendVarintField(b, 1, uint64(int64(cu.GetRead())))
			}
			if cu.Write != nil {
				b = appendVarintField(b, 2, uint64(int64(cu.GetWrite())))
			}
			return b
		})
	})
}

func appendError(b []byte, num protowire.Number, e *pb.Error) []byte {
	if e == nil {
		return b
	}
	return appendMessage(b, num, func(b []byte) []byte {
		b = appendStringField(b, 1, e.GetCode())
		if e.Message != nil {
			b = appendStringField(b, 2, e.GetMessage())
		}
		return b
	})
}

func (r batchWriteReply) appendWire(b []byte) []byte {
	for _, t := range r.Tables {
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendStringField(b, 1, t.GetTableName())
			for _, row := range t.Rows {
				b = appendMessage(b, 2, func(b []byte) []byte {
					b = appendBool(b, 1, row.GetIsOk())
					b = appendError(b, 2, row.Error)
					b = appendConsumed(b, 3, row.Consumed)
					if row.Row != nil {
						b = appendBytesField(b, 4, row.Row)
					}
					return b
				})
			}
			return b
		})
	}
	return b
}

func (r batchGetReply) appendWire(b []byte) []byte {
	for _, t := range r.Tables {
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendStringField(b, 1, t.GetTableName())
			for _, row := range t.Rows {
				b = appendMessage(b, 2, func(b []byte) []byte {
					b = appendBool(b, 1, row.GetIsOk())
					b = appendError(b, 2, row.Error)
					b = appendConsumed(b, 3, row.Consumed)
					if row.Row != nil {
						b = appendBytesField(b, 4, row.Row)
					}
					return b
				})
			}
			return b
		})
	}
	return b
}

func (r getRangeReply) appendWire(b []byte) []byte {
	b = appendConsumed(b, 1, r.Consumed)
	b = appendBytesField(b, 2, r.Rows)
	if r.NextStartPrimaryKey != nil {
		b = appendBytesField(b, 3, r.NextStartPrimaryKey)
	}
	return b
}

func (r getRowReply) appendWire(b []byte) []byte {
	b = appendConsumed(b, 1, r.Consumed)
	return appendBytesField(b, 2, r.Row)
}

func (r writeReply) appendWire(b []byte) []byte {
	b = appendConsumed(b, 1, r.Consumed)
	if r.Row != nil {
		b = appendBytesField(b, 2, r.Row)
	}
	return b
}
