package ots_test

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func startTxn(t *testing.T, c *tablestore.TableStoreClient, table string, part string) string {
	t.Helper()
	resp, err := c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: table, PrimaryKey: pk("part", part)})
	if err != nil {
		t.Fatalf("StartLocalTransaction: %v", err)
	}
	return *resp.TransactionId
}

func TestLocalTransaction(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("part"), intPK("n"))
	putRow(t, c, "t", pk("part", "p", "n", int64(1)), "v", "committed")

	id := startTxn(t, c, "t", "p")
	ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("part", "p", "n", int64(2)), TransactionId: &id}
	ch.AddColumn("v", "in txn")
	ch.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatal(err)
	}
	// Others do not see it yet; the transaction does.
	if getRow(t, c, "t", pk("part", "p", "n", int64(2))) != nil {
		t.Fatal("an uncommitted write is visible outside the transaction")
	}
	in, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "t", PrimaryKey: pk("part", "p", "n", int64(2)), MaxVersion: 1, TransactionId: &id}})
	if err != nil || len(in.Columns) != 1 || in.Columns[0].Value != "in txn" {
		t.Fatalf("read in the transaction = %+v, %v", in, err)
	}
	start, end := pk("part", "p"), pk("part", "p")
	start.AddPrimaryKeyColumnWithMinValue("n")
	end.AddPrimaryKeyColumnWithMaxValue("n")
	rng, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{TableName: "t", StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, TransactionId: &id}})
	if err != nil || len(rng.Rows) != 2 {
		t.Fatalf("range in the transaction = %d rows, %v; want 2", len(rng.Rows), err)
	}

	// Writes outside the transaction to its partition conflict; other partitions do not.
	err = put(c, "t", pk("part", "p", "n", int64(3)), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "x")
	wantCode(t, err, ots.CodeRowOperationConflict)
	putRow(t, c, "t", pk("part", "q", "n", int64(1)), "v", "other partition")
	_, err = c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "t", PrimaryKey: pk("part", "p")})
	wantCode(t, err, ots.CodeRowOperationConflict)

	if _, err := c.CommitTransaction(&tablestore.CommitTransactionRequest{TransactionId: &id}); err != nil {
		t.Fatal(err)
	}
	if got := getRow(t, c, "t", pk("part", "p", "n", int64(2)))["v"]; got != "in txn" {
		t.Fatalf("after commit v = %v", got)
	}
	_, err = c.CommitTransaction(&tablestore.CommitTransactionRequest{TransactionId: &id})
	wantCode(t, err, ots.CodeParameterInvalid)

	// Abort discards.
	id = startTxn(t, c, "t", "p")
	del := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: pk("part", "p", "n", int64(1)), TransactionId: &id}
	del.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AbortTransaction(&tablestore.AbortTransactionRequest{TransactionId: &id}); err != nil {
		t.Fatal(err)
	}
	if getRow(t, c, "t", pk("part", "p", "n", int64(1))) == nil {
		t.Fatal("an aborted delete was applied")
	}
	put(c, "t", pk("part", "p", "n", int64(3)), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "after abort") // the lock is released
	if getRow(t, c, "t", pk("part", "p", "n", int64(3))) == nil {
		t.Fatal("write after abort failed")
	}
}
