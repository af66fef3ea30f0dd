package ots_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// createStreamTable creates table name (pk id STRING, 3 versions) with a
// stream kept for hours, and returns the stream's ID and shard.
func createStreamTable(t testing.TB, c *tablestore.TableStoreClient, name string, hours int32) (*tablestore.StreamId, *tablestore.ShardId) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: name}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 3},
		ReservedThroughput: &tablestore.ReservedThroughput{},
		StreamSpec:         &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: hours},
	})
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	return streamOf(t, c, name)
}

func streamOf(t testing.TB, c *tablestore.TableStoreClient, name string) (*tablestore.StreamId, *tablestore.ShardId) {
	t.Helper()
	ls, err := c.ListStream(&tablestore.ListStreamRequest{TableName: &name})
	if err != nil || len(ls.Streams) != 1 {
		t.Fatalf("ListStream %s: %v, %d streams", name, err, len(ls.Streams))
	}
	ds, err := c.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: ls.Streams[0].Id})
	if err != nil || len(ds.Shards) != 1 {
		t.Fatalf("DescribeStream: %v, %+v", err, ds)
	}
	return ls.Streams[0].Id, ds.Shards[0].SelfShard
}

func iterator(t testing.TB, c *tablestore.TableStoreClient, id *tablestore.StreamId, shard *tablestore.ShardId) *tablestore.ShardIterator {
	t.Helper()
	it, err := c.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: id, ShardId: shard})
	if err != nil {
		t.Fatalf("GetShardIterator: %v", err)
	}
	return it.ShardIterator
}

// drain reads records from it until a read returns none, and returns them
// with the iterator to read on from.
func drain(t testing.TB, c *tablestore.TableStoreClient, it *tablestore.ShardIterator) ([]*tablestore.StreamRecord, *tablestore.ShardIterator) {
	t.Helper()
	var out []*tablestore.StreamRecord
	for range 1000 {
		resp, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: it})
		if err != nil {
			t.Fatalf("GetStreamRecord: %v", err)
		}
		if resp.NextShardIterator == nil {
			t.Fatal("no next iterator for a shard that stays open")
		}
		if len(resp.Records) == 0 {
			if *resp.NextShardIterator != *it {
				t.Fatalf("no records, yet the iterator moved from %s to %s", *it, *resp.NextShardIterator)
			}
			return out, it
		}
		out = append(out, resp.Records...)
		it = resp.NextShardIterator
	}
	t.Fatal("the stream never ran dry")
	return nil, nil
}

// describe renders records compactly: type, key, then each column as
// name=value (put), name@ts- (one version deleted) or name- (all deleted).
func describe(recs []*tablestore.StreamRecord) []string {
	var out []string
	for _, r := range recs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s", strings.Trim(r.Type.String(), `"`))
		for _, k := range r.PrimaryKey.PrimaryKeys {
			fmt.Fprintf(&b, " %s=%v", k.ColumnName, k.Value)
		}
		for _, col := range r.Columns {
			switch col.Type {
			case tablestore.RCT_Put:
				fmt.Fprintf(&b, " %s=%v", *col.Name, col.Value)
			case tablestore.RCT_DeleteOneVersion:
				fmt.Fprintf(&b, " %s@%d-", *col.Name, *col.Timestamp)
			case tablestore.RCT_DeleteAllVersions:
				fmt.Fprintf(&b, " %s-", *col.Name)
			}
		}
		out = append(out, b.String())
	}
	return out
}

func checkRecords(t *testing.T, recs []*tablestore.StreamRecord, want ...string) {
	t.Helper()
	if got := describe(recs); !slices.Equal(got, want) {
		t.Fatalf("records:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestStreamRecordsEveryWrite writes through every write path and checks
// that each successful change is recorded once, in commit order, and that
// failed ones, aborted transactions and tables without a stream are not.
func TestStreamRecordsEveryWrite(t *testing.T) {
	_, c := start(t, ots.Config{})
	id, shard := createStreamTable(t, c, "s", 24)
	createTable(t, c, "plain", 1, -1, strPK("id"))
	it := iterator(t, c, id, shard)

	putRow(t, c, "s", pk("id", "a"), "n", int64(1), "s", "x")
	putRow(t, c, "plain", pk("id", "a"), "n", int64(1))

	up := &tablestore.UpdateRowChange{TableName: "s", PrimaryKey: pk("id", "a")}
	up.IncrementColumn("n", 5)
	up.DeleteColumn("s")
	up.PutColumn("b", true)
	up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	up.SetReturnIncrementValue()
	up.AppendIncrementColumnToReturn("n")
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatalf("UpdateRow: %v", err)
	}

	failed := &tablestore.PutRowChange{TableName: "s", PrimaryKey: pk("id", "a")}
	failed.AddColumn("n", int64(9))
	failed.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: failed}); otsCode(err) != ots.CodeConditionCheckFail {
		t.Fatalf("conditional PutRow: %v, want %s", err, ots.CodeConditionCheckFail)
	}

	batch := &tablestore.BatchWriteRowRequest{}
	for _, key := range []string{"b", "c"} {
		ch := &tablestore.PutRowChange{TableName: "s", PrimaryKey: pk("id", key)}
		ch.AddColumn("v", key)
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		batch.AddRowChange(ch)
	}
	bad := &tablestore.DeleteRowChange{TableName: "s", PrimaryKey: pk("id", "zz")}
	bad.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	batch.AddRowChange(bad)
	plain := &tablestore.PutRowChange{TableName: "plain", PrimaryKey: pk("id", "b")}
	plain.AddColumn("v", "b")
	plain.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	batch.AddRowChange(plain)
	resp, err := c.BatchWriteRow(batch)
	if err != nil {
		t.Fatalf("BatchWriteRow: %v", err)
	}
	for _, r := range resp.TableToRowsResult["s"] {
		if r.IsSucceed == (r.Index == 2) {
			t.Fatalf("batch row %d: succeeded %v", r.Index, r.IsSucceed)
		}
	}

	txn, err := c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "s", PrimaryKey: pk("id", "t")})
	if err != nil {
		t.Fatalf("StartLocalTransaction: %v", err)
	}
	inTxn := &tablestore.PutRowChange{TableName: "s", PrimaryKey: pk("id", "t"), TransactionId: txn.TransactionId}
	inTxn.AddColumn("v", int64(1))
	inTxn.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: inTxn}); err != nil {
		t.Fatalf("PutRow in transaction: %v", err)
	}
	del := &tablestore.DeleteRowChange{TableName: "s", PrimaryKey: pk("id", "t"), TransactionId: txn.TransactionId}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatalf("DeleteRow in transaction: %v", err)
	}
	if recs, _ := drain(t, c, it); len(recs) != 4 {
		t.Fatalf("%d records before the commit, want 4: %v", len(recs), describe(recs))
	}
	if _, err := c.CommitTransaction(&tablestore.CommitTransactionRequest{TransactionId: txn.TransactionId}); err != nil {
		t.Fatalf("CommitTransaction: %v", err)
	}

	aborted, err := c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "s", PrimaryKey: pk("id", "u")})
	if err != nil {
		t.Fatalf("StartLocalTransaction: %v", err)
	}
	lost := &tablestore.PutRowChange{TableName: "s", PrimaryKey: pk("id", "u"), TransactionId: aborted.TransactionId}
	lost.AddColumn("v", int64(1))
	lost.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: lost}); err != nil {
		t.Fatalf("PutRow in transaction: %v", err)
	}
	if _, err := c.AbortTransaction(&tablestore.AbortTransactionRequest{TransactionId: aborted.TransactionId}); err != nil {
		t.Fatalf("AbortTransaction: %v", err)
	}

	del = &tablestore.DeleteRowChange{TableName: "s", PrimaryKey: pk("id", "a")}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatalf("DeleteRow: %v", err)
	}

	recs, _ := drain(t, c, it)
	checkRecords(t, recs,
		"PutRow id=a n=1 s=x",
		"UpdateRow id=a n=6 s- b=true",
		"PutRow id=b v=b",
		"PutRow id=c v=c",
		"PutRow id=t v=1",
		"DeleteRow id=t",
		"DeleteRow id=a",
	)
	for i, r := range recs {
		if r.Info == nil || (i > 0 && !before(recs[i-1].Info, r.Info)) {
			t.Fatalf("record %d: sequence %v does not follow %v", i, r.Info, recs[max(i-1, 0)].Info)
		}
	}
	if ls, err := c.ListStream(&tablestore.ListStreamRequest{}); err != nil || len(ls.Streams) != 1 || *ls.Streams[0].TableName != "s" {
		t.Fatalf("ListStream of the instance: %v, %+v", err, ls)
	}
}

func before(a, b *tablestore.RecordSequenceInfo) bool {
	return a.Timestamp < b.Timestamp || a.Timestamp == b.Timestamp && a.RowIndex < b.RowIndex
}

// TestStreamColumnsAsWritten checks what a record carries of each column:
// the value and timestamp of a put (given or the server's), the
// timestamp of a deleted version, nothing else for a deleted column.
func TestStreamColumnsAsWritten(t *testing.T) {
	_, c := start(t, ots.Config{})
	id, shard := createStreamTable(t, c, "s", 1)
	it := iterator(t, c, id, shard)
	ts := time.Now().UnixMilli() - 1000
	ch := &tablestore.PutRowChange{TableName: "s", PrimaryKey: pk("id", "a")}
	ch.AddColumnWithTimestamp("old", []byte{0, 1}, ts)
	ch.AddColumn("f", 2.5)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatalf("PutRow: %v", err)
	}
	up := &tablestore.UpdateRowChange{TableName: "s", PrimaryKey: pk("id", "a")}
	up.DeleteColumnWithTimestamp("old", ts)
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatalf("UpdateRow: %v", err)
	}
	recs, _ := drain(t, c, it)
	checkRecords(t, recs, "PutRow id=a old=[0 1] f=2.5", fmt.Sprintf("UpdateRow id=a old@%d-", ts))
	if got := *recs[0].Columns[0].Timestamp; got != ts {
		t.Errorf("put timestamp %d, want the given %d", got, ts)
	}
	if got := *recs[0].Columns[1].Timestamp; got < ts {
		t.Errorf("server timestamp %d before %d", got, ts)
	}
}

// TestStreamPaging reads with a limit: pages of that size, then nothing,
// with the iterator handed back unchanged.
func TestStreamPaging(t *testing.T) {
	_, c := start(t, ots.Config{})
	id, shard := createStreamTable(t, c, "s", 24)
	it := iterator(t, c, id, shard)
	for i := range 5 {
		putRow(t, c, "s", pk("id", fmt.Sprint(i)), "v", int64(i))
	}
	limit := int32(2)
	var sizes []int
	for range 10 {
		resp, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: it, Limit: &limit})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(resp.Records))
		if len(resp.Records) == 0 {
			if *resp.NextShardIterator != *it {
				t.Fatal("the iterator moved past the end")
			}
			break
		}
		it = resp.NextShardIterator
	}
	if !slices.Equal(sizes, []int{2, 2, 1, 0}) {
		t.Fatalf("pages of %v, want [2 2 1 0]", sizes)
	}
	putRow(t, c, "s", pk("id", "late"), "v", int64(9))
	recs, _ := drain(t, c, it)
	checkRecords(t, recs, "PutRow id=late v=9")
}

// TestStreamIteratorAtTime starts from a time: GetShardIterator's
// timestamp, in microseconds, skips the records before it.
func TestStreamIteratorAtTime(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro())
	_, c := start(t, ots.Config{Now: func() time.Time { return time.UnixMicro(clock.Load()) }})
	id, shard := createStreamTable(t, c, "s", 24)
	putRow(t, c, "s", pk("id", "early"), "v", int64(1))
	clock.Add(int64(time.Minute / time.Microsecond))
	at := clock.Load()
	putRow(t, c, "s", pk("id", "late"), "v", int64(2))
	resp, err := c.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: id, ShardId: shard, Timestamp: &at})
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := drain(t, c, resp.ShardIterator)
	checkRecords(t, recs, "PutRow id=late v=2")
	if recs[0].Info.Timestamp != at {
		t.Errorf("record time %d, want %d", recs[0].Info.Timestamp, at)
	}
}

// TestStreamRetention moves a fake clock past the expiration time:
// records older than it are gone, and an iterator at one of them answers
// OTSTrimmedDataAccess; a new iterator starts at the oldest kept record.
func TestStreamRetention(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro())
	_, c := start(t, ots.Config{Now: func() time.Time { return time.UnixMicro(clock.Load()) }})
	id, shard := createStreamTable(t, c, "s", 2)
	first := iterator(t, c, id, shard)
	putRow(t, c, "s", pk("id", "old"), "v", int64(1))
	clock.Add(int64(90 * time.Minute / time.Microsecond))
	putRow(t, c, "s", pk("id", "new"), "v", int64(2))
	recs, tail := drain(t, c, first)
	checkRecords(t, recs, "PutRow id=old v=1", "PutRow id=new v=2")

	clock.Add(int64(31 * time.Minute / time.Microsecond)) // "old" is 2h01m old, "new" 31m
	_, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: first})
	if otsCode(err) != ots.CodeTrimmedDataAccess {
		t.Fatalf("iterator at an expired record: %v, want %s", err, ots.CodeTrimmedDataAccess)
	}
	recs, _ = drain(t, c, iterator(t, c, id, shard))
	checkRecords(t, recs, "PutRow id=new v=2")
	if recs, _ := drain(t, c, tail); len(recs) != 0 {
		t.Fatalf("the tail iterator read %v", describe(recs))
	}

	clock.Add(int64(3 * time.Hour / time.Microsecond))
	if recs, _ := drain(t, c, iterator(t, c, id, shard)); len(recs) != 0 {
		t.Fatalf("all expired, yet read %v", describe(recs))
	}
	putRow(t, c, "s", pk("id", "again"), "v", int64(3))
	recs, _ = drain(t, c, tail)
	checkRecords(t, recs, "PutRow id=again v=3")
}

// TestStreamDurable restarts a server on its data directory: records,
// the stream and iterators handed out before stay, and new records follow.
func TestStreamDurable(t *testing.T) {
	dir := t.TempDir()
	srv, c := start(t, ots.Config{Dir: dir})
	id, shard := createStreamTable(t, c, "s", 24)
	it := iterator(t, c, id, shard)
	putRow(t, c, "s", pk("id", "a"), "v", int64(1))
	_, mid := drain(t, c, it)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	_, c = start(t, ots.Config{Dir: dir})
	if got, _ := streamOf(t, c, "s"); *got != *id {
		t.Fatalf("stream %s after the restart, want %s", *got, *id)
	}
	putRow(t, c, "s", pk("id", "b"), "v", int64(2))
	recs, _ := drain(t, c, it)
	checkRecords(t, recs, "PutRow id=a v=1", "PutRow id=b v=2")
	recs, _ = drain(t, c, mid)
	checkRecords(t, recs, "PutRow id=b v=2")
}

// TestStreamDisable disables and enables a stream again: the old stream
// and its iterators are gone, and the new one starts empty.
func TestStreamDisable(t *testing.T) {
	_, c := start(t, ots.Config{})
	id, shard := createStreamTable(t, c, "s", 24)
	it := iterator(t, c, id, shard)
	putRow(t, c, "s", pk("id", "a"), "v", int64(1))

	resp, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "s", StreamSpec: &tablestore.StreamSpecification{EnableStream: false}})
	if err != nil || resp.StreamDetails.EnableStream {
		t.Fatalf("UpdateTable disabling: %v, %+v", err, resp)
	}
	name := "s"
	if ls, err := c.ListStream(&tablestore.ListStreamRequest{TableName: &name}); err != nil || len(ls.Streams) != 0 {
		t.Fatalf("ListStream after disabling: %v, %+v", err, ls)
	}
	if d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "s"}); err != nil || d.StreamDetails.EnableStream {
		t.Fatalf("DescribeTable after disabling: %v, %+v", err, d.StreamDetails)
	}
	if _, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: it}); otsCode(err) != ots.CodeTrimmedDataAccess {
		t.Fatalf("iterator of a disabled stream: %v, want %s", err, ots.CodeTrimmedDataAccess)
	}
	if _, err := c.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: id}); otsCode(err) != ots.CodeObjectNotExist {
		t.Fatalf("DescribeStream of a disabled stream: %v, want %s", err, ots.CodeObjectNotExist)
	}
	putRow(t, c, "s", pk("id", "b"), "v", int64(2))

	resp, err = c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "s", StreamSpec: &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: 12}})
	if err != nil || !resp.StreamDetails.EnableStream || *resp.StreamDetails.StreamId == *id || resp.StreamDetails.ExpirationTime != 12 {
		t.Fatalf("UpdateTable enabling again: %v, %+v", err, resp.StreamDetails)
	}
	id2, shard2 := streamOf(t, c, "s")
	it2 := iterator(t, c, id2, shard2)
	putRow(t, c, "s", pk("id", "c"), "v", int64(3))
	recs, _ := drain(t, c, it2)
	checkRecords(t, recs, "PutRow id=c v=3")
	if _, err := c.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: id2, ShardId: shard}); otsCode(err) != ots.CodeObjectNotExist {
		t.Fatalf("the old shard in the new stream: %v, want %s", err, ots.CodeObjectNotExist)
	}

	if _, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: it2}); otsCode(err) != ots.CodeTrimmedDataAccess {
		t.Fatalf("iterator of a deleted table's stream: %v, want %s", err, ots.CodeTrimmedDataAccess)
	}
}

// TestStreamBadInput sends what the service refuses: each answer is its
// error code, never a crash.
func TestStreamBadInput(t *testing.T) {
	_, c := start(t, ots.Config{})
	id, shard := createStreamTable(t, c, "s", 24)
	createTable(t, c, "plain", 1, -1, strPK("id"))
	missing := "nope"
	zero, big := int32(0), int32(-1)
	garbage := tablestore.ShardIterator("not-an-iterator")
	otherShard := tablestore.ShardId("other")
	otherStream := tablestore.StreamId("0000")
	past := tablestore.ShardId("~")
	meta := &tablestore.TableMeta{TableName: "bad"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	create := func(hours int32) error {
		_, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
			ReservedThroughput: &tablestore.ReservedThroughput{}, StreamSpec: &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: hours}})
		return err
	}
	update := func(table string, hours int32) error {
		_, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: table, StreamSpec: &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: hours}})
		return err
	}
	cases := []struct {
		name string
		err  error
		code string
	}{
		{"expiration 0", create(0), ots.CodeParameterInvalid},
		{"expiration 169", create(169), ots.CodeParameterInvalid},
		{"update to expiration 200", update("plain", 200), ots.CodeParameterInvalid},
		{"changing the expiration", update("s", 48), ots.CodeParameterInvalid},
		{"ListStream of a missing table", func() error {
			_, err := c.ListStream(&tablestore.ListStreamRequest{TableName: &missing})
			return err
		}(), ots.CodeObjectNotExist},
		{"DescribeStream of an unknown stream", func() error {
			_, err := c.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: &otherStream})
			return err
		}(), ots.CodeObjectNotExist},
		{"DescribeStream with shard_limit 0", func() error {
			_, err := c.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: id, ShardLimit: &zero})
			return err
		}(), ots.CodeParameterInvalid},
		{"GetShardIterator of an unknown stream", func() error {
			_, err := c.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: &otherStream, ShardId: shard})
			return err
		}(), ots.CodeObjectNotExist},
		{"GetShardIterator of an unknown shard", func() error {
			_, err := c.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: id, ShardId: &otherShard})
			return err
		}(), ots.CodeObjectNotExist},
		{"GetStreamRecord with a made-up iterator", func() error {
			_, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: &garbage})
			return err
		}(), ots.CodeParameterInvalid},
		{"GetStreamRecord with limit 0", func() error {
			_, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: iterator(t, c, id, shard), Limit: &zero})
			return err
		}(), ots.CodeParameterInvalid},
		{"GetStreamRecord with a negative limit", func() error {
			_, err := c.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: iterator(t, c, id, shard), Limit: &big})
			return err
		}(), ots.CodeParameterInvalid},
	}
	for _, tc := range cases {
		if got := otsCode(tc.err); got != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.code)
		}
	}
	if ds, err := c.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: id, InclusiveStartShardId: &past}); err != nil || len(ds.Shards) != 0 || ds.NextShardId != nil {
		t.Errorf("DescribeStream from past the last shard: %v, %+v", err, ds)
	}
	if d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "plain"}); err != nil || d.StreamDetails.EnableStream {
		t.Errorf("DescribeTable of a table without a stream: %v, %+v", err, d.StreamDetails)
	}
}
