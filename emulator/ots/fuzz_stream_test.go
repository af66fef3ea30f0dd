package ots_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

var streamActions = []string{"ListStream", "DescribeStream", "GetShardIterator", "GetStreamRecord"}

// FuzzStreamRequests sends signed requests with arbitrary bodies, seeded
// with real ones and their iterators, to the stream actions of a server
// holding a stream with records: each answer is a 200 or a Tablestore
// error below 500, never a panic.
func FuzzStreamRequests(f *testing.F) {
	srv, c := start(f, ots.Config{})
	id, shard := createStreamTable(f, c, "s", 24)
	it := iterator(f, c, id, shard)
	putRow(f, c, "s", pk("id", "a"), "v", int64(1))
	_, tail := drain(f, c, it)
	limit := int32(1)
	seeds := []struct {
		action string
		m      sdkproto.Message
	}{
		{"ListStream", &pb.ListStreamRequest{TableName: proto.String("s")}},
		{"DescribeStream", &pb.DescribeStreamRequest{StreamId: (*string)(id), InclusiveStartShardId: (*string)(shard), ShardLimit: &limit}},
		{"GetShardIterator", &pb.GetShardIteratorRequest{StreamId: (*string)(id), ShardId: (*string)(shard), Timestamp: proto.Int64(1)}},
		{"GetStreamRecord", &pb.GetStreamRecordRequest{ShardIterator: (*string)(it), Limit: &limit}},
		{"GetStreamRecord", &pb.GetStreamRecordRequest{ShardIterator: (*string)(tail)}},
	}
	for i, sd := range seeds {
		f.Add(uint8(i%len(streamActions)), mustMarshal(f, sd.m))
		f.Add(uint8(indexOf(streamActions, sd.action)), mustMarshal(f, sd.m))
	}
	f.Fuzz(func(t *testing.T, a uint8, body []byte) {
		action := streamActions[int(a)%len(streamActions)]
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

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}
