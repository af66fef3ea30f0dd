package ots

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

func sampleBatchWrite() *pb.BatchWriteRowRequest {
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", "a")
	put := &tablestore.PutRowChange{TableName: "t", PrimaryKey: key}
	put.AddColumn("v", int64(1))
	up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key}
	up.IncrementColumn("n", 2)
	cond := tablestore.NewSingleColumnCondition("v", tablestore.CT_EQUAL, int64(1)).Serialize()
	return &pb.BatchWriteRowRequest{Tables: []*pb.TableInBatchWriteRowRequest{
		{TableName: proto.String("t"), Rows: []*pb.RowInBatchWriteRowRequest{
			{Type: pb.OperationType_PUT.Enum(), RowChange: put.Serialize(), Condition: &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum()}},
			{Type: pb.OperationType_UPDATE.Enum(), RowChange: up.Serialize(),
				Condition:     &pb.Condition{RowExistence: pb.RowExistenceExpectation_EXPECT_EXIST.Enum(), ColumnCondition: cond},
				ReturnContent: &pb.ReturnContent{ReturnType: pb.ReturnType_RT_AFTER_MODIFY.Enum(), ReturnColumnNames: []string{"n", "m"}}},
			{Type: pb.OperationType_DELETE.Enum(), RowChange: key.Build(true), Condition: &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum()}},
		}},
		{TableName: proto.String("u")},
	}, TransactionId: proto.String("txn")}
}

// FuzzDecodeBatchWrite checks the hand decoder against proto.Unmarshal:
// where both accept the input they build equal messages, and the hand
// decoder never accepts what proto.Unmarshal refuses. Unknown fields are
// skipped rather than kept.
func FuzzDecodeBatchWrite(f *testing.F) {
	b, err := sdkproto.Marshal(sampleBatchWrite())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeBatchWrite(b)
		var want pb.BatchWriteRowRequest
		// Unknown fields are skipped, not kept.
		werr := proto.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(b, protoadapt.MessageV2Of(&want))
		switch {
		case err == nil && werr != nil:
			t.Fatalf("hand decoder accepts what proto refuses (%v): %x", werr, b)
		case err == nil && !sdkproto.Equal(got, &want):
			t.Fatalf("decoded differently:\n got %v\nwant %v", got, &want)
		}
	})
}

func TestDecodeBatchWriteErrors(t *testing.T) {
	for name, m := range map[string]*pb.BatchWriteRowRequest{
		"no table name": {Tables: []*pb.TableInBatchWriteRowRequest{{}}},
		"no condition":  {Tables: []*pb.TableInBatchWriteRowRequest{{TableName: proto.String("t"), Rows: []*pb.RowInBatchWriteRowRequest{{Type: pb.OperationType_PUT.Enum(), RowChange: []byte{1}}}}}},
		"no existence":  {Tables: []*pb.TableInBatchWriteRowRequest{{TableName: proto.String("t"), Rows: []*pb.RowInBatchWriteRowRequest{{Type: pb.OperationType_PUT.Enum(), RowChange: []byte{1}, Condition: &pb.Condition{}}}}}},
	} {
		b, _ := sdkproto.MarshalPartial(m)
		if _, err := decodeBatchWrite(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
