package ots_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// nodeRequest reads a request body the Node.js SDK sent, as captured in
// testdata/sdk/node/requests (see testdata/sdk/README.md).
func nodeRequest(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sdk", "node", "requests", name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startSDKTables serves the two tables the captured requests address:
// sdk (pk1 STRING, pk2 INTEGER, pk3 BINARY) and sdkauto (pk1 STRING, pk2
// INTEGER AUTO_INCREMENT). The fixtures write cells at fixed timestamps of
// November 2023, so sdk accepts timestamps up to ten years off the clock.
func startSDKTables(t *testing.T) *ots.Server {
	t.Helper()
	srv, c := start(t, ots.Config{})
	meta := &tablestore.TableMeta{TableName: "sdk"}
	meta.AddPrimaryKeyColumn("pk1", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("pk2", tablestore.PrimaryKeyType_INTEGER)
	meta.AddPrimaryKeyColumn("pk3", tablestore.PrimaryKeyType_BINARY)
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 3, DeviationCellVersionInSec: 10 * 365 * 86400},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	if err != nil {
		t.Fatal(err)
	}
	createTable(t, c, "sdkauto", 1, -1, strPK("pk1"), pkDef{name: "pk2", typ: tablestore.PrimaryKeyType_INTEGER, autoInc: true})
	return srv
}

// replay sends a captured Node.js request and decodes its answer into resp.
func replay(t *testing.T, srv *ots.Server, action, name string, resp sdkproto.Message) {
	t.Helper()
	r := rawCall(t, srv, action, nodeRequest(t, name), nil)
	if r.status != 200 {
		t.Fatalf("%s (%s): status %d %s %q", name, action, r.status, r.code, r.body)
	}
	if err := sdkproto.Unmarshal(r.body, resp); err != nil {
		t.Fatalf("%s: answer: %v", name, err)
	}
}

func decodeRows(t *testing.T, b []byte) []plainbuf.Row {
	t.Helper()
	if len(b) == 0 {
		return nil
	}
	rows, err := plainbuf.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func cell(r plainbuf.Row, name string) (plainbuf.Value, bool) {
	for _, c := range r.Cells {
		if c.Name == name {
			return c.Value, true
		}
	}
	return plainbuf.Value{}, false
}

// TestNodeSDKRequests replays every request the Node.js SDK sent for the
// fixture rows, with its padded plain buffers, and checks that each is
// applied as the same call from the Go SDK would be: a range scan from
// INF_MIN to INF_MAX, an auto-increment put, updates, conditions, batches.
func TestNodeSDKRequests(t *testing.T) {
	srv := startSDKTables(t)

	replay(t, srv, "PutRow", "PutRow-put", new(pb.PutRowResponse))

	var get pb.GetRowResponse
	replay(t, srv, "GetRow", "GetRow-key", &get)
	rows := decodeRows(t, get.GetRow())
	if len(rows) != 1 {
		t.Fatalf("GetRow after PutRow: %d rows", len(rows))
	}
	if v, ok := cell(rows[0], "s"); !ok || string(v.Bytes) != "v1" {
		t.Fatalf("GetRow: s = %+v, %v", v, ok)
	}

	for _, name := range []string{"GetRange-scan", "GetRange-filter"} {
		var rng pb.GetRangeResponse
		replay(t, srv, "GetRange", name, &rng)
		if rows := decodeRows(t, rng.GetRows()); len(rows) != 1 || len(rng.GetNextStartPrimaryKey()) != 0 {
			t.Fatalf("%s: %d rows, next %x; want the one row", name, len(rows), rng.GetNextStartPrimaryKey())
		}
	}

	var bget pb.BatchGetRowResponse
	replay(t, srv, "BatchGetRow", "BatchGetRow-key", &bget)
	if rs := bget.GetTables()[0].GetRows(); len(rs) != 1 || !rs[0].GetIsOk() || len(decodeRows(t, rs[0].GetRow())) != 1 {
		t.Fatalf("BatchGetRow: %v", &bget)
	}

	// Two auto-increment puts, one alone and one in a batch, get two
	// distinct increasing keys.
	var auto pb.PutRowResponse
	replay(t, srv, "PutRow", "PutRow-auto", &auto)
	ret := decodeRows(t, auto.GetRow())
	if len(ret) != 1 || len(ret[0].PrimaryKey) != 2 || ret[0].PrimaryKey[1].Value.Type != plainbuf.Integer {
		t.Fatalf("PutRow auto-increment returned %+v, want the key with its integer", ret)
	}

	var bput pb.BatchWriteRowResponse
	replay(t, srv, "BatchWriteRow", "BatchWriteRow-put", &bput)
	for i, tbl := range bput.GetTables() {
		if r := tbl.GetRows()[0]; !r.GetIsOk() {
			t.Fatalf("BatchWriteRow-put table %d: %v", i, r.GetError())
		}
	}
	second := decodeRows(t, bput.GetTables()[1].GetRows()[0].GetRow())
	if len(second) != 1 || second[0].PrimaryKey[1].Value.Int <= ret[0].PrimaryKey[1].Value.Int {
		t.Fatalf("batch auto-increment key %+v, want one above %d", second, ret[0].PrimaryKey[1].Value.Int)
	}

	// The updates increment inc by 2 each; the conditional ones require s
	// == "v1" (UpdateRow) and the composite condition (BatchWriteRow).
	replay(t, srv, "UpdateRow", "UpdateRow-update", new(pb.UpdateRowResponse))
	replay(t, srv, "UpdateRow", "UpdateRow-condition", new(pb.UpdateRowResponse))
	var bup pb.BatchWriteRowResponse
	replay(t, srv, "BatchWriteRow", "BatchWriteRow-update", &bup)
	if r := bup.GetTables()[0].GetRows()[0]; !r.GetIsOk() {
		t.Fatalf("BatchWriteRow-update: %v", r.GetError())
	}
	replay(t, srv, "GetRow", "GetRow-key", &get)
	rows = decodeRows(t, get.GetRow())
	if len(rows) != 1 {
		t.Fatalf("GetRow after updates: %d rows", len(rows))
	}
	if v, ok := cell(rows[0], "inc"); !ok || v.Int != 6 {
		t.Fatalf("inc = %+v, %v after three increments of 2, want 6", v, ok)
	}
	if v, ok := cell(rows[0], "pt"); !ok || v.Float != 2.25 {
		t.Fatalf("pt = %+v, %v, want 2.25", v, ok)
	}

	replay(t, srv, "DeleteRow", "DeleteRow-delete", new(pb.DeleteRowResponse))
	var rng pb.GetRangeResponse
	replay(t, srv, "GetRange", "GetRange-scan", &rng)
	if rows := decodeRows(t, rng.GetRows()); len(rows) != 0 {
		t.Fatalf("GetRange after DeleteRow: %d rows", len(rows))
	}
	replay(t, srv, "PutRow", "PutRow-put", new(pb.PutRowResponse))
	var bdel pb.BatchWriteRowResponse
	replay(t, srv, "BatchWriteRow", "BatchWriteRow-delete", &bdel)
	if r := bdel.GetTables()[0].GetRows()[0]; !r.GetIsOk() {
		t.Fatalf("BatchWriteRow-delete: %v", r.GetError())
	}
	replay(t, srv, "GetRange", "GetRange-scan", &rng)
	if rows := decodeRows(t, rng.GetRows()); len(rows) != 0 {
		t.Fatalf("GetRange after BatchWriteRow delete: %d rows", len(rows))
	}
}

// TestNodeSDKPaddingLimits sends the Node.js requests with their padding
// turned into something else: a nonzero byte after a range bound, or a
// second row after the key, is refused with OTSParameterInvalid naming
// the byte, and nothing is written.
func TestNodeSDKPaddingLimits(t *testing.T) {
	srv := startSDKTables(t)

	var scan pb.GetRangeRequest
	if err := sdkproto.Unmarshal(nodeRequest(t, "GetRange-scan"), &scan); err != nil {
		t.Fatal(err)
	}
	start := scan.GetInclusiveStartPrimaryKey()
	if len(start) < 4 || !bytes.Equal(start[len(start)-3:], []byte{0, 0, 0}) {
		t.Fatalf("captured range start %x does not end in the SDK's three zero bytes", start)
	}
	bad := bytes.Clone(start)
	bad[len(bad)-1] = 0x07
	scan.InclusiveStartPrimaryKey = bad
	r := rawCall(t, srv, "GetRange", mustMarshal(t, &scan), nil)
	if r.status != 400 || r.code != "OTSParameterInvalid" || !bytes.Contains(r.body, []byte("byte 0x07")) {
		t.Fatalf("nonzero byte after the range start: status %d %s %q", r.status, r.code, r.body)
	}

	var put pb.PutRowRequest
	if err := sdkproto.Unmarshal(nodeRequest(t, "PutRow-auto"), &put); err != nil {
		t.Fatal(err)
	}
	row := put.GetRow()
	two := append(bytes.Clone(row[:len(row)-1]), row[4:len(row)-1]...) // the row, then its cells again as a second row
	put.Row = two
	r = rawCall(t, srv, "PutRow", mustMarshal(t, &put), nil)
	if r.status != 400 || r.code != "OTSParameterInvalid" {
		t.Fatalf("second row after an auto-increment row: status %d %s %q", r.status, r.code, r.body)
	}
	var rng pb.GetRangeRequest
	if err := sdkproto.Unmarshal(nodeRequest(t, "GetRange-scan"), &rng); err != nil {
		t.Fatal(err)
	}
	rng.TableName = proto.String("sdkauto")
	rng.InclusiveStartPrimaryKey = plainbuf.Append(nil, plainbuf.Row{PrimaryKey: []plainbuf.Cell{
		{Name: "pk1", Value: plainbuf.Value{Type: plainbuf.InfMin}, HasValue: true}, {Name: "pk2", Value: plainbuf.Value{Type: plainbuf.InfMin}, HasValue: true}}})
	rng.ExclusiveEndPrimaryKey = plainbuf.Append(nil, plainbuf.Row{PrimaryKey: []plainbuf.Cell{
		{Name: "pk1", Value: plainbuf.Value{Type: plainbuf.InfMax}, HasValue: true}, {Name: "pk2", Value: plainbuf.Value{Type: plainbuf.InfMax}, HasValue: true}}})
	var resp pb.GetRangeResponse
	got := rawCall(t, srv, "GetRange", mustMarshal(t, &rng), nil)
	if got.status != 200 {
		t.Fatalf("GetRange sdkauto: %d %s %q", got.status, got.code, got.body)
	}
	if err := sdkproto.Unmarshal(got.body, &resp); err != nil {
		t.Fatal(err)
	}
	if rows := decodeRows(t, resp.GetRows()); len(rows) != 0 {
		t.Fatalf("a refused PutRow wrote %d rows", len(rows))
	}
}
