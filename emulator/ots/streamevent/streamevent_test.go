package streamevent_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/fxamacker/cbor/v2"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/streamevent"
)

var update = flag.Bool("update", false, "rewrite testdata/sync-v1.cbor")

// start serves a local Tablestore on the clock now and returns an SDK
// client of it.
func start(t *testing.T, now func() time.Time) *tablestore.TableStoreClient {
	t.Helper()
	srv, err := ots.New(ots.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := tablestore.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = time.Second
	c := srv.Credentials()
	return tablestore.NewClientWithConfig(endpoint, srv.Instance(), c.AccessKeyID, c.AccessKeySecret, "", cfg)
}

func createTable(t *testing.T, c *tablestore.TableStoreClient, name string, stream bool, pk ...string) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: name}
	for _, p := range pk {
		typ := tablestore.PrimaryKeyType_STRING
		if strings.HasPrefix(p, "i:") {
			p, typ = p[2:], tablestore.PrimaryKeyType_INTEGER
		}
		meta.AddPrimaryKeyColumn(p, typ)
	}
	req := &tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 3},
		ReservedThroughput: &tablestore.ReservedThroughput{}}
	if stream {
		req.StreamSpec = &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: 24}
	}
	if _, err := c.CreateTable(req); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
}

// fixture decodes testdata/sync-v1.json with its integers as int64.
func fixture(t *testing.T) streamevent.Payload {
	t.Helper()
	b, err := os.ReadFile("testdata/sync-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var p streamevent.Payload
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&p); err != nil {
		t.Fatal(err)
	}
	for i := range p.Records {
		for j := range p.Records[i].PrimaryKey {
			p.Records[i].PrimaryKey[j].Value = number(t, p.Records[i].PrimaryKey[j].Value)
		}
		for j := range p.Records[i].Columns {
			p.Records[i].Columns[j].Value = number(t, p.Records[i].Columns[j].Value)
		}
	}
	return p
}

func number(t *testing.T, v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestDocumentedExample encodes the documented sample event and checks
// the bytes against the golden file and that they decode to the sample;
// then it makes the sample's write in a local Tablestore at the sample's
// time and checks that the table's stream gives the same bytes.
func TestDocumentedExample(t *testing.T) {
	want := fixture(t)
	b, err := streamevent.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/sync-v1.cbor", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile("testdata/sync-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, golden) {
		t.Fatalf("Encode of the sample:\n%x\nwant testdata/sync-v1.cbor:\n%x", b, golden)
	}
	got, err := streamevent.Decode(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %+v\nwant %+v", got, want)
	}
	var generic map[string]any
	if err := cbor.Unmarshal(golden, &generic); err != nil || generic["Version"] != "Sync-v1" {
		t.Fatalf("a plain CBOR decoder reads %v, %v", generic, err)
	}

	// The sample's write: Info.Timestamp is the write's time in
	// microseconds, the columns' Timestamp their versions in milliseconds.
	c := start(t, func() time.Time { return time.UnixMicro(1506416585740836) })
	createTable(t, c, "sample", true, "i:pk_0", "pk_1", "i:pk_2")
	put := &tablestore.PutRowChange{TableName: "sample", PrimaryKey: new(tablestore.PrimaryKey)}
	put.PrimaryKey.AddPrimaryKeyColumn("pk_0", int64(1506416585881590900))
	put.PrimaryKey.AddPrimaryKeyColumn("pk_1", "2017-09-26 17:03:05.8815909 +0800 CST")
	put.PrimaryKey.AddPrimaryKeyColumn("pk_2", int64(1506416585741000))
	put.AddColumnWithTimestamp("attr_0", "hello_table_store", 1506416585741)
	put.AddColumnWithTimestamp("attr_1", int64(1506416585881590900), 1506416585741)
	put.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: put}); err != nil {
		t.Fatalf("PutRow: %v", err)
	}
	batch, err := streamevent.NewReader(c, "sample", streamevent.Checkpoint{}).Next()
	if err != nil || batch == nil {
		t.Fatalf("Next: %v, %v", batch, err)
	}
	if !bytes.Equal(batch.Payload, golden) {
		t.Fatalf("the stream's payload:\n%x\nwant testdata/sync-v1.cbor:\n%x", batch.Payload, golden)
	}
}

// TestColumnTypes checks every column type and value type of a payload
// read from the stream: a Put keeps a false, zero or empty value; a
// DeleteOneVersion has a Timestamp and no Value, a DeleteAllVersions
// neither, and a DeleteRow an empty Columns.
func TestColumnTypes(t *testing.T) {
	c := start(t, nil)
	createTable(t, c, "t", true, "id", "i:n")
	key := func() *tablestore.PrimaryKey {
		pk := new(tablestore.PrimaryKey)
		pk.AddPrimaryKeyColumn("id", "a")
		pk.AddPrimaryKeyColumn("n", int64(-1))
		return pk
	}
	ts := time.Now().UnixMilli() - 1000
	put := &tablestore.PutRowChange{TableName: "t", PrimaryKey: key()}
	put.AddColumnWithTimestamp("f", false, ts)
	put.AddColumn("z", int64(0))
	put.AddColumn("e", "")
	put.AddColumn("b", []byte{0, 1})
	put.AddColumn("d", 1.5)
	put.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: put}); err != nil {
		t.Fatal(err)
	}
	up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: key()}
	up.DeleteColumnWithTimestamp("f", ts)
	up.DeleteColumn("z")
	up.IncrementColumn("i", 3)
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	del := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: key()}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}
	batch, err := streamevent.NewReader(c, "t", streamevent.Checkpoint{}).Next()
	if err != nil || batch == nil || batch.Records != 3 {
		t.Fatalf("Next: %+v, %v", batch, err)
	}
	var raw struct {
		Version string
		Records []map[string]any
	}
	if err := cbor.Unmarshal(batch.Payload, &raw); err != nil {
		t.Fatal(err)
	}
	p, err := streamevent.Decode(batch.Payload)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "Sync-v1" || len(p.Records) != 3 {
		t.Fatalf("payload %+v", p)
	}
	types := []string{p.Records[0].Type, p.Records[1].Type, p.Records[2].Type}
	if !reflect.DeepEqual(types, []string{"PutRow", "UpdateRow", "DeleteRow"}) {
		t.Fatalf("record types %v", types)
	}
	wantPK := []streamevent.PrimaryKeyColumn{{ColumnName: "id", Value: "a"}, {ColumnName: "n", Value: int64(-1)}}
	for _, r := range p.Records {
		if !reflect.DeepEqual(r.PrimaryKey, wantPK) {
			t.Fatalf("primary key %+v, want %+v", r.PrimaryKey, wantPK)
		}
		if r.Info.Timestamp < time.Now().Add(-time.Minute).UnixMicro() || r.Info.Timestamp > time.Now().UnixMicro() {
			t.Fatalf("record time %d is not the write's, in microseconds", r.Info.Timestamp)
		}
	}
	values := map[string]any{}
	for _, col := range p.Records[0].Columns {
		if col.Type != "Put" || col.Timestamp == nil {
			t.Fatalf("put column %+v", col)
		}
		values[col.ColumnName] = col.Value
	}
	wantValues := map[string]any{"f": false, "z": int64(0), "e": "", "b": []byte{0, 1}, "d": 1.5}
	if !reflect.DeepEqual(values, wantValues) {
		t.Fatalf("put values %#v, want %#v", values, wantValues)
	}
	if *p.Records[0].Columns[0].Timestamp != ts {
		t.Fatalf("given timestamp %d, want %d", *p.Records[0].Columns[0].Timestamp, ts)
	}
	cols := p.Records[1].Columns
	if len(cols) != 3 || cols[0].Type != "DeleteOneVersion" || *cols[0].Timestamp != ts || cols[0].Value != nil ||
		cols[1].Type != "DeleteAllVersions" || cols[1].Timestamp != nil || cols[1].Value != nil ||
		cols[2].Type != "Put" || cols[2].Value != int64(3) {
		t.Fatalf("update columns %+v", cols)
	}
	rawCols := raw.Records[1]["Columns"].([]any)
	if _, ok := rawCols[0].(map[any]any)["Value"]; ok {
		t.Fatalf("DeleteOneVersion carries a Value: %v", rawCols[0])
	}
	if keys := len(rawCols[1].(map[any]any)); keys != 2 {
		t.Fatalf("DeleteAllVersions has %d keys, want Type and ColumnName: %v", keys, rawCols[1])
	}
	if cols, ok := raw.Records[2]["Columns"].([]any); !ok || len(cols) != 0 {
		t.Fatalf("DeleteRow Columns %#v, want an empty array", raw.Records[2]["Columns"])
	}
}

func putN(t *testing.T, c *tablestore.TableStoreClient, table string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		put := &tablestore.PutRowChange{TableName: table, PrimaryKey: new(tablestore.PrimaryKey)}
		put.PrimaryKey.AddPrimaryKeyColumn("id", k)
		put.AddColumn("v", k)
		put.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: put}); err != nil {
			t.Fatal(err)
		}
	}
}

func keysOf(t *testing.T, b *streamevent.Batch) []string {
	t.Helper()
	p, err := streamevent.Decode(b.Payload)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range p.Records {
		out = append(out, r.PrimaryKey[0].Value.(string))
	}
	return out
}

// TestReaderAdvancesOnCommit reads in batches: a batch comes again until
// committed, a reader from a saved checkpoint goes on from there, and
// nothing new gives no batch.
func TestReaderAdvancesOnCommit(t *testing.T) {
	c := start(t, nil)
	createTable(t, c, "t", true, "id")
	putN(t, c, "t", "a", "b", "c")
	r := streamevent.NewReader(c, "t", streamevent.Checkpoint{})
	r.BatchSize = 2
	first, err := r.Next()
	if err != nil || first == nil {
		t.Fatalf("Next: %v, %v", first, err)
	}
	if got := keysOf(t, first); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("first batch %v", got)
	}
	putN(t, c, "t", "d")
	again, err := r.Next()
	if err != nil || !bytes.Equal(again.Payload, first.Payload) {
		t.Fatalf("Next before Commit gave another batch: %v, %v", again, err)
	}
	// A reader made from the same checkpoint (a restart) reads the same
	// records first.
	restarted := streamevent.NewReader(c, "t", r.Checkpoint())
	restarted.BatchSize = 2
	if b, err := restarted.Next(); err != nil || !reflect.DeepEqual(keysOf(t, b), []string{"a", "b"}) {
		t.Fatalf("a reader from the checkpoint: %v, %v", b, err)
	}
	r.Commit()
	saved := r.Checkpoint()
	if saved.StreamID == "" || saved.ShardID == "" || saved.Iterator == "" {
		t.Fatalf("checkpoint %+v", saved)
	}
	second, err := r.Next()
	if err != nil || !reflect.DeepEqual(keysOf(t, second), []string{"c", "d"}) {
		t.Fatalf("second batch: %v, %v", second, err)
	}
	r.Commit()
	if b, err := r.Next(); b != nil || err != nil {
		t.Fatalf("nothing new, yet %v, %v", b, err)
	}
	resumed := streamevent.NewReader(c, "t", saved)
	if b, err := resumed.Next(); err != nil || !reflect.DeepEqual(keysOf(t, b), []string{"c", "d"}) {
		t.Fatalf("a reader from the saved checkpoint: %v, %v", b, err)
	}
}

// TestReaderErrors: a table without a stream, and a checkpoint whose
// records expired, which Reset gets past.
func TestReaderErrors(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC).UnixMicro())
	c := start(t, func() time.Time { return time.UnixMicro(clock.Load()) })
	createTable(t, c, "plain", false, "id")
	if _, err := streamevent.NewReader(c, "plain", streamevent.Checkpoint{}).Next(); !errors.Is(err, streamevent.ErrNoStream) {
		t.Fatalf("a table without a stream: %v, want ErrNoStream", err)
	}
	createTable(t, c, "t", true, "id")
	putN(t, c, "t", "old")
	r := streamevent.NewReader(c, "t", streamevent.Checkpoint{})
	if b, err := r.Next(); err != nil || b == nil {
		t.Fatalf("Next: %v, %v", b, err)
	}
	stale := streamevent.NewReader(c, "t", r.Checkpoint())
	clock.Add(int64(25 * time.Hour / time.Microsecond))
	putN(t, c, "t", "new")
	if _, err := stale.Next(); !errors.Is(err, streamevent.ErrTrimmed) {
		t.Fatalf("an expired checkpoint: %v, want ErrTrimmed", err)
	}
	stale.Reset()
	if b, err := stale.Next(); err != nil || !reflect.DeepEqual(keysOf(t, b), []string{"new"}) {
		t.Fatalf("after Reset: %v, %v", b, err)
	}
}

// TestDecodeIntegerRange: a column value beyond int64, which no Tablestore
// column holds, is a decode error naming the overflow.
func TestDecodeIntegerRange(t *testing.T) {
	// {"Version": "Sync-v1", "Records": [{"Columns": [{"Value": 2^64-1}]}]}
	b := []byte{0xa2,
		0x67, 'V', 'e', 'r', 's', 'i', 'o', 'n', 0x67, 'S', 'y', 'n', 'c', '-', 'v', '1',
		0x67, 'R', 'e', 'c', 'o', 'r', 'd', 's', 0x81, 0xa1,
		0x67, 'C', 'o', 'l', 'u', 'm', 'n', 's', 0x81, 0xa1,
		0x65, 'V', 'a', 'l', 'u', 'e', 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	_, err := streamevent.Decode(b)
	if err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Fatalf("Decode of 2^64-1: err = %v, want an overflow error", err)
	}
	// The same shape with a value in range decodes.
	b[len(b)-9] = 0x1a
	ok := append(b[:len(b)-8:len(b)-8], 0, 0, 0, 7)
	p, err := streamevent.Decode(ok)
	if err != nil {
		t.Fatalf("Decode of 7: %v", err)
	}
	if v := p.Records[0].Columns[0].Value; v != int64(7) {
		t.Fatalf("value = %#v, want int64(7)", v)
	}
}

// FuzzDecode decodes arbitrary bytes: no panic, and what decodes encodes
// to a payload that decodes the same.
func FuzzDecode(f *testing.F) {
	if golden, err := os.ReadFile("testdata/sync-v1.cbor"); err == nil {
		f.Add(golden)
	}
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := streamevent.Decode(b)
		if err != nil {
			return
		}
		again, err := streamevent.Encode(p)
		if err != nil {
			return // values of types a payload does not carry
		}
		if _, err := streamevent.Decode(again); err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", again, err)
		}
	})
}
