package ots_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

var fuzzActions = []string{"PutRow", "GetRow", "UpdateRow", "DeleteRow", "BatchGetRow", "BatchWriteRow", "GetRange",
	"CreateTable", "UpdateTable", "DescribeTable", "StartLocalTransaction", "ComputeSplitPointsBySize", "CreateIndex", "DropIndex"}

// FuzzServe sends signed requests with arbitrary bodies to every action of
// a server holding a table: each answer is a 200 or a Tablestore error,
// never a panic or a bare 500.
func FuzzServe(f *testing.F) {
	srv, c := start(f, ots.Config{})
	createTable(f, c, "t", 2, -1, strPK("id"), intPK("n"))
	putRow(f, c, "t", pk("id", "a", "n", int64(1)), "v", "x")
	createIndexedTable(f, c, true)
	putRow(f, c, "players", pk("id", "a", "seq", int64(1)), "job", "mage", "name", "ann")
	indexed := &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: pk("id", "a", "seq", int64(1))}
	indexed.PutColumn("job", "bard")
	indexed.IncrementColumn("level", 2)

	ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", "b", "n", int64(2))}
	ch.AddColumn("v", int64(7))
	up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "a", "n", int64(1))}
	up.IncrementColumn("c", 1)
	up.DeleteColumn("v")
	cond := &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum(), ColumnCondition: tablestore.NewSingleColumnCondition("v", tablestore.CT_EQUAL, "x").Serialize()}
	seeds := []struct {
		action string
		m      sdkproto.Message
	}{
		{"PutRow", &pb.PutRowRequest{TableName: strp("t"), Row: ch.Serialize(), Condition: cond}},
		{"UpdateRow", &pb.UpdateRowRequest{TableName: strp("t"), RowChange: up.Serialize(), Condition: cond}},
		{"GetRow", &pb.GetRowRequest{TableName: strp("t"), PrimaryKey: pk("id", "a", "n", int64(1)).Build(false), MaxVersions: proto.Int32(1)}},
		{"GetRange", &pb.GetRangeRequest{TableName: strp("t"), Direction: pb.Direction_FORWARD.Enum(), MaxVersions: proto.Int32(1),
			InclusiveStartPrimaryKey: pk("id", "a", "n", int64(0)).Build(false), ExclusiveEndPrimaryKey: pk("id", "z", "n", int64(0)).Build(false)}},
		{"UpdateRow", &pb.UpdateRowRequest{TableName: strp("players"), RowChange: indexed.Serialize(), Condition: &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum()}}},
		{"CreateIndex", &pb.CreateIndexRequest{MainTableName: strp("players"), IndexMeta: &pb.IndexMeta{Name: strp("by_name"), PrimaryKey: []string{"name"}, DefinedColumn: []string{"job"},
			IndexUpdateMode: pb.IndexUpdateMode_IUM_ASYNC_INDEX.Enum(), IndexType: pb.IndexType_IT_GLOBAL_INDEX.Enum()}, IncludeBaseData: proto.Bool(true)}},
		{"DropIndex", &pb.DropIndexRequest{MainTableName: strp("players"), IndexName: strp("by_job")}},
	}
	for _, sd := range seeds {
		f.Add(uint8(slices.Index(fuzzActions, sd.action)), mustMarshal(f, sd.m))
	}
	f.Fuzz(func(t *testing.T, a uint8, body []byte) {
		action := fuzzActions[int(a)%len(fuzzActions)]
		req := httptest.NewRequest(http.MethodPost, "/"+action, bytes.NewReader(body))
		sign(req.Header, srv, action, body)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			return
		}
		var e pb.Error
		if err := sdkproto.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatalf("%s: status %d with a body that is not a Tablestore error: %q", action, rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s: %s", action, rec.Code, e.GetCode(), e.GetMessage())
		}
	})
}
