package ots_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// TestAcknowledgedWritesAreApplied is a property test of the write path:
// concurrent clients mixing every kind of write on shared rows, where each
// write the server answered OK must be visible afterwards, in the order the
// server acknowledged it. Run it in a loop when touching the write path:
//
//	go test -race -count=50 -run TestAcknowledgedWritesAreApplied ./emulator/ots/
func TestAcknowledgedWritesAreApplied(t *testing.T) {
	for _, store := range []struct {
		name string
		cfg  func(t *testing.T) ots.Config
	}{
		{"bolt", func(t *testing.T) ots.Config { return ots.Config{Dir: t.TempDir()} }},
		{"memory", func(*testing.T) ots.Config { return ots.Config{} }},
	} {
		t.Run(store.name, func(t *testing.T) {
			t.Run("increments", func(t *testing.T) { testIncrements(t, store.cfg(t)) })
			t.Run("compare-and-set", func(t *testing.T) { testCompareAndSet(t, store.cfg(t)) })
			t.Run("own-rows", func(t *testing.T) { testOwnRows(t, store.cfg(t)) })
		})
	}
}

const (
	ackClients = 8
	ackEach    = 24
)

// runClients runs fn for each of n clients at once, each with its own SDK
// client (the SDK's retry backoff is not safe to share), and reports
// their errors.
func runClients(t *testing.T, srv *ots.Server, n int, fn func(w int, c *tablestore.TableStoreClient) error) {
	t.Helper()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			errs <- fn(w, client(srv, srv.Endpoint(), srv.Credentials()))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// testIncrements: clients increment two shared counters by UpdateRow
// (asking for the value after), by BatchWriteRow and inside local
// transactions. The counters end at the number of increments answered OK,
// and the values UpdateRow returned are each reached exactly once: the
// server applied the increments in the order it answered them.
func testIncrements(t *testing.T, cfg ots.Config) {
	srv, c := start(t, cfg)
	createTable(t, c, "counters", 1, -1, strPK("part"), strPK("id"))
	createTable(t, c, "txn", 1, -1, strPK("part"), strPK("id"))
	key := func(id string) *tablestore.PrimaryKey { return pk("part", "p", "id", id) }
	var mu sync.Mutex
	seen := map[int64]int{} // value of counter "a" returned after an increment -> times seen
	var batched, inTxn int
	runClients(t, srv, ackClients, func(w int, c *tablestore.TableStoreClient) error {
		for i := range ackEach {
			switch i % 3 {
			case 0, 1: // UpdateRow INCREMENT, returning the new value
				n, err := incrementN(c, "counters", key("a"))
				if err != nil {
					return fmt.Errorf("client %d: %w", w, err)
				}
				mu.Lock()
				seen[n]++
				mu.Unlock()
			case 2: // BatchWriteRow incrementing "b", with a put of the client's own row
				req := &tablestore.BatchWriteRowRequest{}
				up := &tablestore.UpdateRowChange{TableName: "counters", PrimaryKey: key("b")}
				up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				up.IncrementColumn("n", 1)
				req.AddRowChange(up)
				put := &tablestore.PutRowChange{TableName: "counters", PrimaryKey: key(fmt.Sprint("row-", w, "-", i))}
				put.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				put.AddColumn("w", int64(w))
				req.AddRowChange(put)
				resp, err := c.BatchWriteRow(req)
				if err != nil {
					return fmt.Errorf("client %d: BatchWriteRow: %w", w, err)
				}
				for _, r := range resp.TableToRowsResult["counters"] {
					if !r.IsSucceed {
						return fmt.Errorf("client %d: BatchWriteRow row %d: %s %s", w, r.Index, r.Error.Code, r.Error.Message)
					}
				}
				mu.Lock()
				batched++
				mu.Unlock()
			}
		}
		// The clients also increment the counters of table txn in local
		// transactions, racing plain increments of the same rows.
		for i := range ackEach / 4 {
			inside := (w+i)%2 == 0
			var err error
			if inside {
				err = incrementInTxn(c, fmt.Sprint("t", w%2))
			} else {
				err = incrementOutsideTxn(c, fmt.Sprint("t", w%2))
			}
			if err != nil {
				return fmt.Errorf("client %d: transaction table step %d: %w", w, i, err)
			}
			mu.Lock()
			inTxn++
			mu.Unlock()
		}
		return nil
	})

	direct := ackClients * ackEach * 2 / 3
	if got := getRow(t, c, "counters", key("a"))["n"]; got != int64(direct) {
		t.Errorf("counter a = %v after %d acknowledged increments", got, direct)
	}
	for v := int64(1); v <= int64(direct); v++ {
		if seen[v] != 1 {
			t.Errorf("UpdateRow answered n = %d %d times, want once", v, seen[v])
		}
	}
	if got := getRow(t, c, "counters", key("b"))["n"]; got != int64(batched) {
		t.Errorf("counter b = %v after %d acknowledged batch increments", got, batched)
	}
	txnTotal := int64(0)
	for _, part := range []string{"t0", "t1"} {
		if v, ok := getRow(t, c, "txn", pk("part", part, "id", "n"))["n"].(int64); ok {
			txnTotal += v
		}
	}
	if txnTotal != int64(inTxn) {
		t.Errorf("transaction table counters sum to %d after %d acknowledged increments", txnTotal, inTxn)
	}
	for w := range ackClients {
		for i := 2; i < ackEach; i += 3 {
			if got := getRow(t, c, "counters", key(fmt.Sprint("row-", w, "-", i)))["w"]; got != int64(w) {
				t.Errorf("row-%d-%d: w = %v", w, i, got)
			}
		}
	}
}

// incrementN adds one to column n of row key and returns its new value.
func incrementN(c *tablestore.TableStoreClient, table string, key *tablestore.PrimaryKey) (int64, error) {
	up := &tablestore.UpdateRowChange{TableName: table, PrimaryKey: key}
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	up.IncrementColumn("n", 1)
	up.SetReturnIncrementValue()
	up.AppendIncrementColumnToReturn("n")
	resp, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
	if err != nil {
		return 0, fmt.Errorf("increment %s: %w", table, err)
	}
	if len(resp.Columns) != 1 {
		return 0, fmt.Errorf("increment %s returned %d columns, want n", table, len(resp.Columns))
	}
	return resp.Columns[0].Value.(int64), nil
}

// incrementInTxn increments column n of row (part, "n") of table txn in a
// local transaction, starting again while another holds the partition.
func incrementInTxn(c *tablestore.TableStoreClient, part string) error {
	for {
		resp, err := c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "txn", PrimaryKey: pk("part", part)})
		if otsCode(err) == ots.CodeRowOperationConflict {
			continue
		}
		if err != nil {
			return err
		}
		id := resp.TransactionId
		up := &tablestore.UpdateRowChange{TableName: "txn", PrimaryKey: pk("part", part, "id", "n"), TransactionId: id}
		up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		up.IncrementColumn("n", 1)
		if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
			return err
		}
		_, err = c.CommitTransaction(&tablestore.CommitTransactionRequest{TransactionId: id})
		return err
	}
}

// incrementOutsideTxn increments the row incrementInTxn does, outside
// transactions, trying again while one holds the partition.
func incrementOutsideTxn(c *tablestore.TableStoreClient, part string) error {
	for {
		up := &tablestore.UpdateRowChange{TableName: "txn", PrimaryKey: pk("part", part, "id", "n")}
		up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		up.IncrementColumn("n", 1)
		_, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
		if otsCode(err) != ots.CodeRowOperationConflict {
			return err
		}
	}
}

// casOp is one compare-and-set step of testCompareAndSet: the kinds of
// write it is made of, each leaving a row state that depends only on the
// step.
type casOp int

const (
	casUpdate       casOp = iota // UpdateRow: PUT v, by; DELETE_ALL tmp
	casUpdateTmp                 // UpdateRow: PUT v, by, tmp
	casUpdateDelete              // UpdateRow: PUT v, by; DELETE tmp's one version
	casPut                       // PutRow: v, by (tmp gone with the old row)
	casReinsert                  // DeleteRow, then PutRow EXPECT_NOT_EXIST: v, by, tmp
	casOps
)

// testCompareAndSet: clients advance a shared version column v of shared
// rows with conditional writes of every kind (column condition v == the
// value read). Each version is installed by exactly one acknowledged
// write, and the row ends in the state the last one left.
func testCompareAndSet(t *testing.T, cfg ots.Config) {
	srv, c := start(t, cfg)
	createTable(t, c, "cas", 1, -1, strPK("id"))
	const rows = 2
	for r := range rows {
		putRow(t, c, "cas", pk("id", fmt.Sprint("r", r)), "v", int64(0), "by", int64(-1))
	}
	type install struct {
		w  int
		op casOp
	}
	var mu sync.Mutex
	installed := make([]map[int64]install, rows)
	for r := range installed {
		installed[r] = map[int64]install{}
	}
	runClients(t, srv, ackClients, func(w int, c *tablestore.TableStoreClient) error {
		for i := range ackEach {
			r := (w + i) % rows
			op := casOp((w*7 + i) % int(casOps))
			v, err := compareAndSet(c, fmt.Sprint("r", r), w, op)
			if err != nil {
				return fmt.Errorf("client %d step %d (op %d): %w", w, i, op, err)
			}
			mu.Lock()
			if prev, dup := installed[r][v]; dup {
				mu.Unlock()
				return fmt.Errorf("row r%d: version %d installed by client %d and by client %d", r, v, prev.w, w)
			}
			installed[r][v] = install{w, op}
			mu.Unlock()
		}
		return nil
	})
	total := 0
	for r := range rows {
		n := int64(len(installed[r]))
		total += int(n)
		for v := int64(1); v <= n; v++ {
			if _, ok := installed[r][v]; !ok {
				t.Errorf("row r%d: no acknowledged write installed version %d of %d", r, v, n)
			}
		}
		last := installed[r][n]
		got := getRow(t, c, "cas", pk("id", fmt.Sprint("r", r)))
		want := map[string]any{"v": n, "by": int64(last.w)}
		if last.op == casUpdateTmp || last.op == casReinsert {
			want["tmp"] = n
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("row r%d = %v, want %v (left by client %d, op %d)", r, got, want, last.w, last.op)
		}
	}
	if total != ackClients*ackEach {
		t.Errorf("%d versions installed, want %d", total, ackClients*ackEach)
	}
}

// compareAndSet reads row id and advances its v by one with op,
// conditioned on v being unchanged, until one attempt is acknowledged. It
// returns the version it installed.
func compareAndSet(c *tablestore.TableStoreClient, id string, w int, op casOp) (int64, error) {
	key := pk("id", id)
	for {
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "cas", PrimaryKey: key, MaxVersion: 1}})
		if err != nil {
			return 0, err
		}
		var old int64
		var tmpTs int64
		found := false
		for _, col := range resp.Columns {
			switch col.ColumnName {
			case "v":
				old, found = col.Value.(int64), true
			case "tmp":
				tmpTs = col.Timestamp
			}
		}
		if !found {
			continue // another client is between its delete and its insert
		}
		v := old + 1
		same := tablestore.NewSingleColumnCondition("v", tablestore.CT_EQUAL, old)
		switch op {
		case casUpdate, casUpdateTmp, casUpdateDelete:
			up := &tablestore.UpdateRowChange{TableName: "cas", PrimaryKey: key}
			up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
			up.SetColumnCondition(same)
			up.PutColumn("v", v)
			up.PutColumn("by", int64(w))
			switch {
			case op == casUpdateTmp:
				up.PutColumn("tmp", v)
			case op == casUpdateDelete && tmpTs != 0:
				up.DeleteColumnWithTimestamp("tmp", tmpTs)
			default:
				up.DeleteColumn("tmp")
			}
			_, err = c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
		case casPut:
			err = put(c, "cas", key, tablestore.RowExistenceExpectation_EXPECT_EXIST, same, "v", v, "by", int64(w))
		case casReinsert:
			del := &tablestore.DeleteRowChange{TableName: "cas", PrimaryKey: key}
			del.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
			del.SetColumnCondition(same)
			if _, err = c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err == nil {
				// Nobody else writes a missing row: the insert must succeed.
				if err := put(c, "cas", key, tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "v", v, "by", int64(w), "tmp", v); err != nil {
					return 0, fmt.Errorf("insert after delete: %w", err)
				}
			}
		}
		switch otsCode(err) {
		case "":
			if err != nil {
				return 0, err
			}
			return v, nil
		case ots.CodeConditionCheckFail:
			continue // another client advanced v first
		default:
			return 0, err
		}
	}
}

// testOwnRows: each client puts, updates and deletes rows of its own in a
// table every client writes, by single writes and batches; the rows
// acknowledged as written are there with their last values and the
// acknowledged deletes are gone.
func testOwnRows(t *testing.T, cfg ots.Config) {
	srv, c := start(t, cfg)
	createTable(t, c, "own", 1, -1, strPK("id"))
	id := func(w, i int) string { return fmt.Sprint(w, "-", i) }
	runClients(t, srv, ackClients, func(w int, c *tablestore.TableStoreClient) error {
		for i := range ackEach {
			if i%2 == 0 {
				if err := put(c, "own", pk("id", id(w, i)), tablestore.RowExistenceExpectation_IGNORE, nil, "v", int64(i)); err != nil {
					return err
				}
			} else {
				req := &tablestore.BatchWriteRowRequest{}
				put := &tablestore.PutRowChange{TableName: "own", PrimaryKey: pk("id", id(w, i))}
				put.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
				put.AddColumn("v", int64(i))
				req.AddRowChange(put)
				up := &tablestore.UpdateRowChange{TableName: "own", PrimaryKey: pk("id", id(w, i-1))}
				up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
				up.PutColumn("v", int64(-i))
				req.AddRowChange(up)
				if i%4 == 3 {
					del := &tablestore.DeleteRowChange{TableName: "own", PrimaryKey: pk("id", id(w, i-2))}
					del.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
					req.AddRowChange(del)
				}
				resp, err := c.BatchWriteRow(req)
				if err != nil {
					return err
				}
				for _, r := range resp.TableToRowsResult["own"] {
					if !r.IsSucceed {
						return fmt.Errorf("client %d step %d: batch row %d: %s %s", w, i, r.Index, r.Error.Code, r.Error.Message)
					}
				}
			}
		}
		return nil
	})
	for w := range ackClients {
		for i := range ackEach {
			want := map[string]any{"v": int64(i)}
			switch {
			case i%4 == 1 && i+2 < ackEach: // deleted by step i+2
				want = nil
			case i%2 == 0 && i+1 < ackEach: // updated by step i+1
				want = map[string]any{"v": int64(-(i + 1))}
			}
			if got := getRow(t, c, "own", pk("id", id(w, i))); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("row %s = %v, want %v", id(w, i), got, want)
			}
		}
	}
	// Nothing else is there.
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	start.AddPrimaryKeyColumnWithMinValue("id")
	end.AddPrimaryKeyColumnWithMaxValue("id")
	var ids []string
	for {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{TableName: "own", StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, Direction: tablestore.FORWARD}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Rows {
			ids = append(ids, r.PrimaryKey.PrimaryKeys[0].Value.(string))
		}
		if resp.NextStartPrimaryKey == nil {
			break
		}
		start = resp.NextStartPrimaryKey
	}
	want := 0
	for i := range ackEach {
		if !(i%4 == 1 && i+2 < ackEach) {
			want++
		}
	}
	if len(ids) != want*ackClients || !slices.IsSorted(ids) {
		t.Errorf("the table holds %d rows, want %d", len(ids), want*ackClients)
	}
}
