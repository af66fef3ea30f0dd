package ots_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

const (
	crashTable   = "crash"
	counterTable = "crash_counters"
	crashWriters = 8
	crashAcks    = 400 // acknowledged rows before the kill
	crashBatch   = 5   // rows per BatchWriteRow
)

// TestCrashKeepsAcknowledgedRows kills the server process with SIGKILL
// while writers are busy, restarts it on the same directory, and checks
// that every acknowledged row is there whole, that no row is partial, and
// that counters hold every acknowledged increment and none never sent.
func TestCrashKeepsAcknowledgedRows(t *testing.T) {
	dir := t.TempDir()
	child, endpoint := startCrashChild(t, dir)
	createTable(t, crashClient(endpoint), crashTable, 1, -1, intPK("writer"), intPK("seq"))
	createTable(t, crashClient(endpoint), counterTable, 1, -1, strPK("id"))

	log := newCrashLog()
	var killed atomic.Bool
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One client per writer: a client's retry jitter is not safe
			// for concurrent use.
			if err := log.write(crashClient(endpoint), int64(w)); err != nil && !killed.Load() {
				t.Errorf("writer %d before the kill: %v", w, err)
			}
		}()
	}
	select {
	case <-log.reached:
	case <-time.After(8 * time.Second):
		t.Errorf("only %d rows acknowledged before the deadline", log.acks.Load())
	}
	killed.Store(true)
	child.Kill(t)
	wg.Wait()

	_, endpoint = startCrashChild(t, dir)
	rows := scanCrashRows(t, crashClient(endpoint))
	log.check(t, rows)
	log.checkCounters(t, crashClient(endpoint))
}

// rowID names a row of the crash table.
type rowID struct{ writer, seq int64 }

// column is a column's expected name and value.
type column struct {
	name  string
	value any
}

// crashColumns are the columns row id is written with: values of each
// type, a large one, and all derived from id so any row can be checked.
func crashColumns(id rowID) []column {
	n := id.writer*1_000_000 + id.seq
	cols := []column{
		{"blob", bytes.Repeat([]byte{byte(n), byte(n >> 8), byte(id.writer)}, 700)},
		{"flag", n%2 == 0},
		{"real", float64(n) / 4},
		{"text", strings.Repeat(fmt.Sprintf("w%d-s%d;", id.writer, id.seq), 20)},
	}
	for i := range 6 {
		cols = append(cols, column{fmt.Sprintf("n%d", i), n*10 + int64(i)})
	}
	return cols
}

func crashPut(id rowID) *tablestore.PutRowChange {
	ch := &tablestore.PutRowChange{TableName: crashTable, PrimaryKey: pk("writer", id.writer, "seq", id.seq)}
	for _, col := range crashColumns(id) {
		ch.AddColumn(col.name, col.value)
	}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	return ch
}

// crashLog records the rows writers attempted and those acknowledged, and
// the increments of each counter sent and acknowledged.
type crashLog struct {
	mu        sync.Mutex
	attempted map[rowID]bool
	acked     map[rowID]bool
	incSent   map[string]int64 // counter -> increments sent
	incAcked  map[string]int64 // counter -> increments acknowledged
	incSeen   map[string]int64 // counter -> largest value an acknowledgement returned
	acks      atomic.Int64
	reached   chan struct{} // closed at crashAcks acknowledgements
	once      sync.Once
}

func newCrashLog() *crashLog {
	return &crashLog{
		attempted: map[rowID]bool{}, acked: map[rowID]bool{},
		incSent: map[string]int64{}, incAcked: map[string]int64{}, incSeen: map[string]int64{},
		reached: make(chan struct{}),
	}
}

// increment adds one to counter id, shared by every writer or of one,
// and records it as sent, then as acknowledged.
func (l *crashLog) increment(c *tablestore.TableStoreClient, id string) error {
	l.mu.Lock()
	l.incSent[id]++
	l.mu.Unlock()
	n, err := incrementN(c, counterTable, pk("id", id))
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.incAcked[id]++
	l.incSeen[id] = max(l.incSeen[id], n)
	return nil
}

// checkCounters fails t unless each counter holds at least its
// acknowledged increments (and the largest value they returned) and at
// most those sent.
func (l *crashLog) checkCounters(t *testing.T, c *tablestore.TableStoreClient) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, sent := range l.incSent {
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: counterTable, PrimaryKey: pk("id", id), MaxVersion: 1}})
		if err != nil {
			t.Fatalf("GetRow %s after the crash: %v", id, err)
		}
		var n int64
		for _, col := range resp.Columns {
			if col.ColumnName == "n" {
				n = col.Value.(int64)
			}
		}
		if n < l.incAcked[id] || n < l.incSeen[id] || n > sent {
			t.Errorf("counter %s = %d after the crash; %d increments acknowledged (the last answering %d), %d sent", id, n, l.incAcked[id], l.incSeen[id], sent)
		}
	}
	if len(l.incSent) == 0 {
		t.Error("no increment was sent before the crash")
	}
}

// attempt records ids as sent.
func (l *crashLog) attempt(ids []rowID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.attempted[id] = true
	}
}

// ack records ids as acknowledged.
func (l *crashLog) ack(ids []rowID) {
	l.mu.Lock()
	for _, id := range ids {
		l.acked[id] = true
	}
	l.mu.Unlock()
	if l.acks.Add(int64(len(ids))) >= crashAcks {
		l.once.Do(func() { close(l.reached) })
	}
}

// write puts rows of one writer, one by one and in batches, and
// increments the shared counter and its own, until a request fails, as
// all do once the server is killed.
func (l *crashLog) write(c *tablestore.TableStoreClient, writer int64) error {
	for seq := int64(0); ; {
		if seq%2 == 0 {
			if err := l.increment(c, "all"); err != nil {
				return err
			}
			if err := l.increment(c, fmt.Sprint("writer-", writer)); err != nil {
				return err
			}
		}
		n := int64(1)
		if seq%(crashBatch+3) == 3 {
			n = crashBatch
		}
		ids := make([]rowID, n)
		for i := range ids {
			ids[i] = rowID{writer, seq + int64(i)}
		}
		l.attempt(ids)
		acked, err := writeCrashRows(c, ids)
		l.ack(acked)
		if err != nil {
			return err
		}
		seq += n
	}
}

// writeCrashRows writes ids with PutRow (one id) or BatchWriteRow and
// returns those acknowledged.
func writeCrashRows(c *tablestore.TableStoreClient, ids []rowID) ([]rowID, error) {
	if len(ids) == 1 {
		if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: crashPut(ids[0])}); err != nil {
			return nil, fmt.Errorf("PutRow %v: %w", ids[0], err)
		}
		return ids, nil
	}
	req := new(tablestore.BatchWriteRowRequest)
	for _, id := range ids {
		req.AddRowChange(crashPut(id))
	}
	resp, err := c.BatchWriteRow(req)
	if err != nil {
		return nil, fmt.Errorf("BatchWriteRow %v..: %w", ids[0], err)
	}
	var acked []rowID
	for _, r := range resp.TableToRowsResult[crashTable] {
		if !r.IsSucceed {
			return acked, fmt.Errorf("BatchWriteRow row %v: %s %s", ids[r.Index], r.Error.Code, r.Error.Message)
		}
		acked = append(acked, ids[r.Index])
	}
	return acked, nil
}

// check fails t unless every acknowledged row is in rows, and every row
// in rows was attempted and has exactly the columns it was written with.
func (l *crashLog) check(t *testing.T, rows map[rowID][]*tablestore.AttributeColumn) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.acked {
		if _, ok := rows[id]; !ok {
			t.Errorf("acknowledged row %v is missing after the crash", id)
		}
	}
	unacked := 0
	for id, cols := range rows {
		if !l.attempted[id] {
			t.Errorf("row %v was never written", id)
		}
		if !l.acked[id] {
			unacked++
		}
		if err := sameColumns(cols, crashColumns(id)); err != nil {
			t.Errorf("row %v after the crash: %v", id, err)
		}
	}
	t.Logf("%d rows attempted, %d acknowledged, %d present (%d of them unacknowledged)",
		len(l.attempted), len(l.acked), len(rows), unacked)
}

// sameColumns reports how got differs from want, in name, value or count.
func sameColumns(got []*tablestore.AttributeColumn, want []column) error {
	if len(got) != len(want) {
		names := make([]string, len(got))
		for i, c := range got {
			names[i] = c.ColumnName
		}
		return fmt.Errorf("%d columns %v, want %d", len(got), names, len(want))
	}
	byName := map[string]any{}
	for _, c := range got {
		byName[c.ColumnName] = c.Value
	}
	for _, w := range want {
		v, ok := byName[w.name]
		if !ok {
			return fmt.Errorf("column %s is missing", w.name)
		}
		if !reflect.DeepEqual(v, w.value) {
			return fmt.Errorf("column %s = %.40v, want %.40v", w.name, v, w.value)
		}
	}
	return nil
}

// scanCrashRows reads the whole crash table with GetRange, page by page.
func scanCrashRows(t *testing.T, c *tablestore.TableStoreClient) map[rowID][]*tablestore.AttributeColumn {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, name := range []string{"writer", "seq"} {
		start.AddPrimaryKeyColumnWithMinValue(name)
		end.AddPrimaryKeyColumnWithMaxValue(name)
	}
	rows := map[rowID][]*tablestore.AttributeColumn{}
	for start != nil {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: crashTable, StartPrimaryKey: start, EndPrimaryKey: end,
			Direction: tablestore.FORWARD, MaxVersion: 1, Limit: 500,
		}})
		if err != nil {
			t.Fatalf("GetRange after the crash: %v", err)
		}
		for _, r := range resp.Rows {
			keys := r.PrimaryKey.PrimaryKeys
			rows[rowID{keys[0].Value.(int64), keys[1].Value.(int64)}] = r.Columns
		}
		start = resp.NextStartPrimaryKey
	}
	return rows
}
