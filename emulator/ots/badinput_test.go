package ots_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestBadInput sends what no SDK would: each gets the service's error code
// with a message naming the problem, and stores nothing.
func TestBadInput(t *testing.T) {
	srv, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))

	good := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", "k")}
	good.AddColumn("v", "x")
	row := good.Serialize()
	put := func(r []byte) []byte {
		return mustMarshal(t, &pb.PutRowRequest{TableName: strp("t"), Row: r, Condition: &pb.Condition{RowExistence: pb.RowExistenceExpectation_IGNORE.Enum()}})
	}
	flipped := bytes.Clone(row)
	flipped[len(flipped)-1] ^= 0xff // the row checksum
	intKey := (&tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", int64(1))}).Serialize()
	extraKey := (&tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", "k", "x", "y")}).Serialize()

	cases := []struct {
		name, action string
		body         []byte
		status       int
		code, msg    string
	}{
		{"garbage protobuf", "PutRow", []byte{0xff, 0xff, 0xff}, 400, ots.CodeParameterInvalid, "ProtoBuf"},
		{"missing required fields", "PutRow", mustMarshal(t, &pb.DescribeTableRequest{TableName: strp("t")}), 400, ots.CodeParameterInvalid, "ProtoBuf"},
		{"row checksum", "PutRow", put(flipped), 400, ots.CodeParameterInvalid, "checksum"},
		{"truncated row", "PutRow", put(row[:len(row)-5]), 400, ots.CodeParameterInvalid, "row change"},
		{"not a plain buffer", "PutRow", put([]byte("hello")), 400, ots.CodeParameterInvalid, "row change"},
		{"key type", "PutRow", put(intKey), 400, ots.CodeParameterInvalid, "PK type"},
		{"key size", "PutRow", put(extraKey), 400, ots.CodeParameterInvalid, "PK size"},
		{"unknown action", "DropEverything", nil, 400, ots.CodeParameterInvalid, "DropEverything"},
		{"search", "Search", nil, 400, ots.CodeUnsupportOperation, "not supported"},
		{"shard iterator", "GetStreamRecord", mustMarshal(t, &pb.GetStreamRecordRequest{ShardIterator: strp("x")}), 400, ots.CodeParameterInvalid, "shard iterator"},
	}
	for _, tc := range cases {
		r := rawCall(t, srv, tc.action, tc.body, nil)
		var e pb.Error
		sdkproto.Unmarshal(r.body, &e)
		if r.status != tc.status || r.code != tc.code || !strings.Contains(e.GetMessage(), tc.msg) {
			t.Errorf("%s: %d %s %q, want %d %s mentioning %q", tc.name, r.status, r.code, e.GetMessage(), tc.status, tc.code, tc.msg)
		}
	}
	if getRow(t, c, "t", pk("id", "k")) != nil {
		t.Fatal("bad input stored a row")
	}

	big := bytes.Repeat([]byte{'x'}, 5<<20+1)
	if r := rawCall(t, srv, "PutRow", big, nil); r.status != http.StatusRequestEntityTooLarge || r.code != ots.CodeRequestBodyTooLarge {
		t.Errorf("oversized body: %d %s", r.status, r.code)
	}
	resp, err := http.Get(srv.Endpoint() + "/ListTable")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

// TestOnlyActionPaths sends correctly signed requests to paths that are
// not the service's action paths: each is refused and changes nothing.
func TestOnlyActionPaths(t *testing.T) {
	srv, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	del := mustMarshal(t, &pb.DeleteTableRequest{TableName: strp("t")})
	for _, path := range []string{"/x/DeleteTable", "//DeleteTable", "/DeleteTable/", "/DeleteTable/x", "/a/b/DeleteTable"} {
		r := rawCallPath(t, srv, path, "DeleteTable", del, nil)
		var e pb.Error
		sdkproto.Unmarshal(r.body, &e)
		if r.status != 400 || r.code != ots.CodeParameterInvalid || !strings.Contains(e.GetMessage(), path) {
			t.Errorf("POST %s: %d %s %q, want 400 %s naming the path", path, r.status, r.code, e.GetMessage(), ots.CodeParameterInvalid)
		}
	}
	if _, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "t"}); err != nil {
		t.Fatalf("the table is gone after requests to other paths: %v", err)
	}
	if r := rawCall(t, srv, "DeleteTable", del, nil); r.status != 200 {
		t.Fatalf("POST /DeleteTable: %d %s", r.status, r.code)
	}
}

func TestLimits(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	err := put(c, "t", pk("id", strings.Repeat("k", 1025)), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "x")
	wantCode(t, err, ots.CodeParameterInvalid)
	err = put(c, "t", pk("id", "k"), tablestore.RowExistenceExpectation_IGNORE, nil, "v", strings.Repeat("x", 2<<20+1))
	wantCode(t, err, ots.CodeParameterInvalid)
	cols := make([]any, 0, 2050)
	for i := 0; i < 1025; i++ {
		cols = append(cols, "c"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26%26)), int64(i))
	}
	err = put(c, "t", pk("id", "k"), tablestore.RowExistenceExpectation_IGNORE, nil, cols...)
	wantCode(t, err, ots.CodeOutOfColumnCount)
	err = put(c, "t", pk("id", "k"), tablestore.RowExistenceExpectation_IGNORE, nil, "bad-name", "x")
	wantCode(t, err, ots.CodeParameterInvalid)
	if getRow(t, c, "t", pk("id", "k")) != nil {
		t.Fatal("a refused write stored a row")
	}

	_, err = c.CreateTable(&tablestore.CreateTableRequest{TableMeta: &tablestore.TableMeta{TableName: "t"}, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}})
	if err == nil {
		t.Fatal("CreateTable without a primary key succeeded")
	}
	meta := &tablestore.TableMeta{TableName: "t"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	_, err = c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}})
	wantCode(t, err, ots.CodeObjectAlreadyExist)
	meta.TableName = "short_ttl"
	_, err = c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: 100, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}})
	wantCode(t, err, ots.CodeParameterInvalid)
}
