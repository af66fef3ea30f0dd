package stack_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/streamevent"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/testwait"
)

// The Tablestore trigger tests run testdata/tablestore.yaml: function
// changes (testdata/otsfn) behind a Tablestore trigger on table orders.
// Rows are written with the official Tablestore SDK; otsfn records each
// invocation's CBOR payload, which the tests decode with streamevent.

// otsStack is a running stack of testdata/tablestore.yaml.
type otsStack struct {
	*stack.Stack
	t      *testing.T
	dir    string // the record file, the fail switch, the generated s.yaml
	clock  *fakeClock
	client *tablestore.TableStoreClient
}

// otsInvocation is one line of otsfn's record file.
type otsInvocation struct {
	RequestID string `json:"requestId"`
	Payload   []byte `json:"payload"`
	Records   int    `json:"records"`
	Failed    bool   `json:"failed"`
	Error     string `json:"error"`
}

// startOtsStack starts the stack with its records in dir, its data in
// dataDir ("" for memory) and on clock (nil for the wall clock).
func startOtsStack(t *testing.T, dir, dataDir string, clock *fakeClock) (*otsStack, error) {
	t.Helper()
	proj, err := syaml.Load(writePipelineYAML(t, "tablestore.yaml", dir))
	if err != nil {
		t.Fatal(err)
	}
	cfg := stack.Config{Project: proj, DataDir: dataDir, NoRemoting: true, NoGRPC: true}
	if clock != nil {
		cfg.Clock = clock.Now
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	cred := s.Tablestore.Credentials()
	c := tablestore.NewClient(s.TablestoreEndpoint, s.TablestoreInstance, cred.AccessKeyID, cred.AccessKeySecret)
	return &otsStack{Stack: s, t: t, dir: dir, clock: clock, client: c}, nil
}

// startFailingOtsStack starts the stack in memory on a fake clock with
// otsfn failing every invocation until the returned switch file is
// removed.
func startFailingOtsStack(t *testing.T) (*otsStack, *fakeClock, string) {
	t.Helper()
	clock, dir := newFakeClock(), t.TempDir()
	o, err := startOtsStack(t, dir, "", clock)
	if err != nil {
		t.Fatal(err)
	}
	failSwitch := filepath.Join(dir, "fail")
	if err := os.WriteFile(failSwitch, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return o, clock, failSwitch
}

// createOrders creates table orders (pk id STRING) with a stream, or
// without one.
func (o *otsStack) createOrders(stream bool) {
	o.t.Helper()
	meta := &tablestore.TableMeta{TableName: "orders"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	req := &tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{}}
	if stream {
		req.StreamSpec = &tablestore.StreamSpecification{EnableStream: true, ExpirationTime: 24}
	}
	if _, err := o.client.CreateTable(req); err != nil {
		o.t.Fatalf("CreateTable orders: %v", err)
	}
}

func ordersKey(id string) *tablestore.PrimaryKey {
	pk := new(tablestore.PrimaryKey)
	pk.AddPrimaryKeyColumn("id", id)
	return pk
}

// put writes row id of orders with the columns of kv (name, value, ...).
func (o *otsStack) put(id string, kv ...any) {
	o.t.Helper()
	ch := &tablestore.PutRowChange{TableName: "orders", PrimaryKey: ordersKey(id)}
	for i := 0; i+1 < len(kv); i += 2 {
		ch.AddColumn(kv[i].(string), kv[i+1])
	}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := o.client.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		o.t.Fatalf("PutRow %s: %v", id, err)
	}
}

// invocations returns what otsfn has recorded so far.
func (o *otsStack) invocations() []otsInvocation {
	o.t.Helper()
	return readJSONLines[otsInvocation](o.t, filepath.Join(o.dir, "changes.jsonl"))
}

// delivered decodes the payloads of the invocations that succeeded and
// returns their records, in order.
func (o *otsStack) delivered() []streamevent.Record {
	o.t.Helper()
	var out []streamevent.Record
	for _, inv := range o.invocations() {
		if inv.Failed {
			continue
		}
		p, err := streamevent.Decode(inv.Payload)
		if err != nil {
			o.t.Fatalf("payload of %s: %v", inv.RequestID, err)
		}
		if p.Version != streamevent.Version {
			o.t.Errorf("payload Version = %q, want %q", p.Version, streamevent.Version)
		}
		out = append(out, p.Records...)
	}
	return out
}

// waitRecords waits until the function has succeeded with n records.
func (o *otsStack) waitRecords(n int) []streamevent.Record {
	o.t.Helper()
	var recs []streamevent.Record
	testwait.Until(o.t, 90*time.Second, "delivered stream records", func() bool {
		recs = o.delivered()
		return len(recs) >= n
	})
	return recs
}

// stats is the one trigger's counters.
func (o *otsStack) stats() stack.TablestoreTriggerStats {
	o.t.Helper()
	all := o.TablestoreTriggers()
	if len(all) != 1 {
		o.t.Fatalf("%d Tablestore triggers, want 1", len(all))
	}
	return all[0]
}

// retryAt waits until the trigger has a failed batch to retry and
// returns when it is due.
func (o *otsStack) retryAt() time.Time {
	o.t.Helper()
	var at time.Time
	testwait.Until(o.t, 60*time.Second, "a retry scheduled", func() bool {
		at = o.stats().RetryAt
		return !at.IsZero()
	})
	return at
}

func pkOf(r streamevent.Record) string {
	if len(r.PrimaryKey) != 1 || r.PrimaryKey[0].ColumnName != "id" {
		return "?"
	}
	s, _ := r.PrimaryKey[0].Value.(string)
	return s
}

// TestTablestoreTriggerDeliversRowChanges: a PutRow, an UpdateRow and a
// DeleteRow made with the official SDK reach the function as the CBOR
// event of the trigger, in commit order, with the row's key and the
// columns each change wrote. The table is created after the stack
// started, as functions create theirs: the trigger waits for it.
func TestTablestoreTriggerDeliversRowChanges(t *testing.T) {
	t.Parallel()
	o, err := startOtsStack(t, t.TempDir(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 30*time.Second, "the trigger waiting for its table", func() bool { return o.stats().Waiting == "table" })
	o.createOrders(true)
	o.put("o1", "amount", int64(42), "note", "first")

	upd := &tablestore.UpdateRowChange{TableName: "orders", PrimaryKey: ordersKey("o1")}
	upd.PutColumn("amount", int64(43))
	upd.DeleteColumn("note")
	upd.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	if _, err := o.client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: upd}); err != nil {
		t.Fatal(err)
	}
	del := &tablestore.DeleteRowChange{TableName: "orders", PrimaryKey: ordersKey("o1")}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := o.client.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}

	recs := o.waitRecords(3)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(recs), recs)
	}
	var types []string
	for _, r := range recs {
		types = append(types, r.Type)
		if pkOf(r) != "o1" {
			t.Errorf("%s PrimaryKey = %+v, want id o1", r.Type, r.PrimaryKey)
		}
	}
	if want := []string{streamevent.PutRow, streamevent.UpdateRow, streamevent.DeleteRow}; !slices.Equal(types, want) {
		t.Fatalf("record types %v, want %v", types, want)
	}
	if !(recs[0].Info.Timestamp <= recs[1].Info.Timestamp && recs[1].Info.Timestamp <= recs[2].Info.Timestamp) {
		t.Errorf("Info.Timestamp out of commit order: %d, %d, %d", recs[0].Info.Timestamp, recs[1].Info.Timestamp, recs[2].Info.Timestamp)
	}
	cols := func(r streamevent.Record) map[string]streamevent.Column {
		m := map[string]streamevent.Column{}
		for _, c := range r.Columns {
			m[c.ColumnName] = c
		}
		return m
	}
	put := cols(recs[0])
	if c := put["amount"]; c.Type != streamevent.Put || c.Value != int64(42) || c.Timestamp == nil {
		t.Errorf("PutRow amount = %+v, want Put 42 with a timestamp", c)
	}
	if c := put["note"]; c.Type != streamevent.Put || c.Value != "first" {
		t.Errorf("PutRow note = %+v, want Put first", c)
	}
	up := cols(recs[1])
	if c := up["amount"]; c.Type != streamevent.Put || c.Value != int64(43) {
		t.Errorf("UpdateRow amount = %+v, want Put 43", c)
	}
	if c := up["note"]; c.Type != streamevent.DeleteAllVersions || c.Value != nil {
		t.Errorf("UpdateRow note = %+v, want DeleteAllVersions without a value", c)
	}
	if len(recs[2].Columns) != 0 {
		t.Errorf("DeleteRow Columns = %+v, want none", recs[2].Columns)
	}
	testwait.Until(t, 30*time.Second, "the records counted as committed", func() bool { return o.stats().Records == 3 })
	if st := o.stats(); st.Failures != 0 || st.Trimmed != 0 || st.Waiting != "" {
		t.Errorf("stats %+v, want no failure, nothing trimmed, not waiting", st)
	}
}

// TestTablestoreTriggerRetriesFailedBatch: while the function fails, the
// trigger invokes it again on its retry schedule (a fake clock moved to
// each retry) with the same payload; once it succeeds, the records are
// committed and the next invocation carries only the records written
// since.
func TestTablestoreTriggerRetriesFailedBatch(t *testing.T) {
	t.Parallel()
	o, clock, failSwitch := startFailingOtsStack(t)
	o.createOrders(true)
	// One BatchWriteRow: both records are in the stream when the trigger
	// first reads it.
	batch := &tablestore.BatchWriteRowRequest{}
	for i, id := range []string{"o1", "o2"} {
		ch := &tablestore.PutRowChange{TableName: "orders", PrimaryKey: ordersKey(id)}
		ch.AddColumn("amount", int64(i+1))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		batch.AddRowChange(ch)
	}
	if _, err := o.client.BatchWriteRow(batch); err != nil {
		t.Fatal(err)
	}

	// retry waits for the trigger's next retry, moves the clock there and
	// waits for the invocation it makes.
	retry := func(n int) {
		t.Helper()
		clock.Set(o.retryAt())
		testwait.Until(t, 60*time.Second, "the retried invocation", func() bool {
			o.Tick()
			return len(o.invocations()) >= n
		})
	}
	testwait.Until(t, 60*time.Second, "the first invocation", func() bool { return len(o.invocations()) >= 1 })
	retry(2)
	retry(3)
	invs := o.invocations()
	for i, inv := range invs {
		if !inv.Failed || inv.Error != "failing on purpose" {
			t.Fatalf("invocation %d = %+v, want a failure", i, inv)
		}
		if !bytes.Equal(inv.Payload, invs[0].Payload) {
			t.Errorf("invocation %d carried other records than the first", i)
		}
	}
	if invs[0].RequestID == invs[1].RequestID {
		t.Errorf("retries share request ID %s", invs[0].RequestID)
	}
	if err := os.Remove(failSwitch); err != nil {
		t.Fatal(err)
	}
	retry(4)
	recs := o.waitRecords(2)
	if got := []string{pkOf(recs[0]), pkOf(recs[1])}; len(recs) != 2 || !slices.Equal(got, []string{"o1", "o2"}) {
		t.Fatalf("delivered %+v, want o1 and o2", recs)
	}
	if !bytes.Equal(o.invocations()[3].Payload, invs[0].Payload) {
		t.Error("the invocation that succeeded carried other records than the failed ones")
	}
	testwait.Until(t, 30*time.Second, "the batch committed", func() bool { return o.stats().Records == 2 })

	o.put("o3", "amount", int64(3))
	recs = o.waitRecords(3)
	if len(recs) != 3 || pkOf(recs[2]) != "o3" {
		t.Fatalf("delivered %+v, want o1, o2, then o3 alone", recs)
	}
	testwait.Until(t, 30*time.Second, "o3 committed", func() bool { return o.stats().Records == 3 })
	if st := o.stats(); st.Invocations != 5 || st.Failures != 3 || st.Records != 3 || st.Trimmed != 0 {
		t.Errorf("stats %+v, want 5 invocations, 3 failures, 3 records, none trimmed", st)
	}
}

// TestTablestoreTriggerCheckpointSurvivesRestart: a stack started again
// on the same data directory goes on after the records the function took
// before; a table that exists without a stream stops Start with an error
// naming it and the trigger's line.
func TestTablestoreTriggerCheckpointSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir, data := t.TempDir(), t.TempDir()
	o, err := startOtsStack(t, dir, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.createOrders(true)
	o.put("before", "n", int64(1))
	o.waitRecords(1)
	testwait.Until(t, 30*time.Second, "the batch committed", func() bool { return o.stats().Records == 1 })
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	o, err = startOtsStack(t, dir, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.put("after", "n", int64(2))
	recs := o.waitRecords(2)
	if got := []string{pkOf(recs[0]), pkOf(recs[1])}; len(recs) != 2 || !slices.Equal(got, []string{"before", "after"}) {
		t.Fatalf("delivered %v across the restart, want before once, then after", got)
	}
	// Without a stream: the table is dropped and made again without one.
	if _, err := o.client.DeleteTable(&tablestore.DeleteTableRequest{TableName: "orders"}); err != nil {
		t.Fatal(err)
	}
	o.createOrders(false)
	testwait.Until(t, 30*time.Second, "the trigger waiting for a stream", func() bool { return o.stats().Waiting == "stream" })
	if err := o.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = startOtsStack(t, dir, data, nil)
	want := "function changes, trigger orders-stream (s.yaml:25): table orders has no stream"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Start on a table without a stream: %v, want an error containing %q", err, want)
	}
}

// TestTablestoreTriggerCountsTrimmedBatch: disabling the table's stream
// while the function fails stops the retries, as in the cloud; the batch
// that can no longer be read is counted (and logged), and the trigger
// waits for a stream again.
func TestTablestoreTriggerCountsTrimmedBatch(t *testing.T) {
	t.Parallel()
	o, clock, _ := startFailingOtsStack(t)
	o.createOrders(true)
	o.put("o1", "amount", int64(1))
	at := o.retryAt()
	_, err := o.client.UpdateTable(&tablestore.UpdateTableRequest{TableName: "orders",
		StreamSpec: &tablestore.StreamSpecification{EnableStream: false}})
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(at)
	testwait.Until(t, 60*time.Second, "the batch counted as trimmed", func() bool {
		o.Tick()
		st := o.stats()
		return st.Trimmed == 1 && st.TrimmedRecords == 1 && st.Waiting == "stream"
	})
	if st := o.stats(); st.Invocations != 1 || st.Records != 0 {
		t.Errorf("stats %+v, want the one failed invocation and no record delivered", st)
	}
}
