package ots

import (
	"bytes"
	"strings"
	"testing"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"
)

// TestWireMatchesProto checks that every hand-encoded answer is byte for
// byte what proto.Marshal writes for the otsprotocol message, including
// messages whose lengths take one, two and three bytes.
func TestWireMatchesProto(t *testing.T) {
	small, mid, big := []byte("r"), bytes.Repeat([]byte("x"), 200), bytes.Repeat([]byte("y"), 20000)
	cu := func(r, w int32) *pb.ConsumedCapacity {
		return &pb.ConsumedCapacity{CapacityUnit: &pb.CapacityUnit{Read: proto.Int32(r), Write: proto.Int32(w)}}
	}
	fail := &Error{Code: CodeConditionCheckFail, Message: strings.Repeat("m", 300)}
	pbFail := &pb.Error{Code: proto.String(fail.Code), Message: proto.String(fail.Message)}

	cases := []struct {
		name string
		got  wireMarshaler
		want sdkproto.Message
	}{
		{"batch write",
			batchReply{tables: []tableReply{
				{name: "a", rows: []rowReply{{cu: capacity{0, 1}}, {cu: capacity{0, 1}, row: small}, {err: fail}, {cu: capacity{0, 1}, row: mid}, {cu: capacity{0, 5}, row: big}}},
				{name: "b"},
			}},
			&pb.BatchWriteRowResponse{Tables: []*pb.TableInBatchWriteRowResponse{
				{TableName: proto.String("a"), Rows: []*pb.RowInBatchWriteRowResponse{
					{IsOk: proto.Bool(true), Consumed: cu(0, 1)},
					{IsOk: proto.Bool(true), Consumed: cu(0, 1), Row: small},
					{IsOk: proto.Bool(false), Error: pbFail},
					{IsOk: proto.Bool(true), Consumed: cu(0, 1), Row: mid},
					{IsOk: proto.Bool(true), Consumed: cu(0, 5), Row: big},
				}},
				{TableName: proto.String("b")},
			}}},
		{"batch get",
			batchReply{tables: []tableReply{{name: "a", rows: []rowReply{{cu: capacity{1, 0}, row: []byte{}}, {err: fail}}}}},
			&pb.BatchGetRowResponse{Tables: []*pb.TableInBatchGetRowResponse{{TableName: proto.String("a"), Rows: []*pb.RowInBatchGetRowResponse{
				{IsOk: proto.Bool(true), Consumed: cu(1, 0), Row: []byte{}},
				{IsOk: proto.Bool(false), Error: pbFail},
			}}}}},
		{"range", getRangeReply{cu: capacity{2, 0}, rows: mid, next: small},
			&pb.GetRangeResponse{Consumed: cu(2, 0), Rows: mid, NextStartPrimaryKey: small}},
		{"range, last page", getRangeReply{cu: capacity{1, 0}},
			&pb.GetRangeResponse{Consumed: cu(1, 0), Rows: []byte{}}},
		{"get row", getRowReply{cu: capacity{5, 0}, row: big}, &pb.GetRowResponse{Consumed: cu(5, 0), Row: big}},
		{"get row, none", getRowReply{cu: capacity{1, 0}}, &pb.GetRowResponse{Consumed: cu(1, 0), Row: []byte{}}},
		{"write", writeReply{cu: capacity{1, 1}}, &pb.PutRowResponse{Consumed: cu(1, 1)}},
		{"write, with pk", writeReply{cu: capacity{0, 70000}, row: mid}, &pb.UpdateRowResponse{Consumed: cu(0, 70000), Row: mid}},
	}
	for _, tc := range cases {
		want, err := sdkproto.Marshal(tc.want)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tc.got.appendWire(nil); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", tc.name, got, want)
		}
	}
}
