package tablestore

import (
	"bytes"
	"strings"
	"testing"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"
)

// TestWireMatchesProto checks that every hand-encoded answer is byte for
// byte what proto.Marshal writes, including messages whose lengths need
// one, two and three bytes.
func TestWireMatchesProto(t *testing.T) {
	small, mid, big := []byte("r"), bytes.Repeat([]byte("x"), 200), bytes.Repeat([]byte("y"), 20000)
	okRow := func(row []byte) *pb.RowInBatchWriteRowResponse {
		return &pb.RowInBatchWriteRowResponse{IsOk: proto.Bool(true), Consumed: consumed(0, 1), Row: row}
	}
	failed := &pb.RowInBatchWriteRowResponse{IsOk: proto.Bool(false), Error: &pb.Error{Code: proto.String(CodeConditionCheckFail), Message: proto.String(strings.Repeat("m", 300))}}
	cases := map[string]wireMarshaler{
		"batch write": batchWriteReply{&pb.BatchWriteRowResponse{Tables: []*pb.TableInBatchWriteRowResponse{
			{TableName: proto.String("a"), Rows: []*pb.RowInBatchWriteRowResponse{okRow(nil), okRow(small), failed, okRow(mid), okRow(big)}},
			{TableName: proto.String("b")},
		}}},
		"batch get": batchGetReply{&pb.BatchGetRowResponse{Tables: []*pb.TableInBatchGetRowResponse{
			{TableName: proto.String("a"), Rows: []*pb.RowInBatchGetRowResponse{
				{IsOk: proto.Bool(true), Consumed: consumed(1, 0), Row: []byte{}},
				{IsOk: proto.Bool(true), Consumed: consumed(3, 0), Row: big},
				{IsOk: proto.Bool(false), Error: &pb.Error{Code: proto.String(CodeObjectNotExist)}},
			}},
		}}},
		"range":          getRangeReply{&pb.GetRangeResponse{Consumed: consumed(2, 0), Rows: mid, NextStartPrimaryKey: small}},
		"range, last":    getRangeReply{&pb.GetRangeResponse{Consumed: consumed(1, 0), Rows: []byte{}}},
		"get row":        getRowReply{&pb.GetRowResponse{Consumed: consumed(1, 0), Row: big}},
		"get row, none":  getRowReply{&pb.GetRowResponse{Consumed: consumed(1, 0), Row: []byte{}}},
		"write":          writeReply{&pb.PutRowResponse{Consumed: consumed(1, 1)}},
		"write, with pk": writeReply{&pb.PutRowResponse{Consumed: consumed(0, 70000), Row: mid}},
	}
	for name, r := range cases {
		want, err := proto.Marshal(inner(r))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := r.appendWire(nil); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", name, got, want)
		}
	}
}

// inner is the message a reply wraps.
func inner(r wireMarshaler) proto.Message {
	switch r := r.(type) {
	case batchWriteReply:
		return r.BatchWriteRowResponse
	case batchGetReply:
		return r.BatchGetRowResponse
	case getRangeReply:
		return r.GetRangeResponse
	case getRowReply:
		return r.GetRowResponse
	case writeReply:
		return r.PutRowResponse
	}
	panic("unknown reply")
}
