package ots_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func TestBatchWriteRowPerRowResults(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	createTable(t, c, "u", 1, -1, intPK("n"))
	putRow(t, c, "t", pk("id", "exists"), "v", "old")

	req := &tablestore.BatchWriteRowRequest{}
	add := func(ch tablestore.RowChange) { req.AddRowChange(ch) }
	for i := 0; i < 3; i++ {
		ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", fmt.Sprint("new", i))}
		ch.AddColumn("v", int64(i))
		ch.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST)
		add(ch)
	}
	dup := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", "exists")}
	dup.AddColumn("v", "overwritten")
	dup.SetCondition(tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST) // fails alone
	add(dup)
	wrong := &tablestore.PutRowChange{TableName: "u", PrimaryKey: pk("n", "not an int")}
	wrong.AddColumn("v", int64(1))
	wrong.SetCondition(tablestore.RowExistenceExpectation_IGNORE) // schema mismatch fails alone
	add(wrong)
	ok := &tablestore.PutRowChange{TableName: "u", PrimaryKey: pk("n", int64(1))}
	ok.AddColumn("v", int64(1))
	ok.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	add(ok)
	missing := &tablestore.PutRowChange{TableName: "nope", PrimaryKey: pk("id", "x")}
	missing.AddColumn("v", int64(1))
	missing.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	add(missing)

	resp, err := c.BatchWriteRow(req)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range resp.TableToRowsResult["t"] {
		if want := i < 3; r.IsSucceed != want || int(r.Index) != i {
			t.Errorf("t row %d: ok=%v index=%d error=%v, want ok=%v", i, r.IsSucceed, r.Index, r.Error, want)
		}
	}
	if r := resp.TableToRowsResult["t"][3]; r.Error.Code != ots.CodeConditionCheckFail {
		t.Errorf("duplicate insert error = %v", r.Error)
	}
	u := resp.TableToRowsResult["u"]
	if u[0].IsSucceed || u[0].Error.Code != ots.CodeParameterInvalid || !u[1].IsSucceed {
		t.Errorf("u results = %+v", u)
	}
	if n := resp.TableToRowsResult["nope"]; len(n) != 1 || n[0].Error.Code != ots.CodeObjectNotExist {
		t.Errorf("missing table results = %+v", n)
	}
	if got := getRow(t, c, "t", pk("id", "exists"))["v"]; got != "old" {
		t.Errorf("v = %v, want old", got)
	}
	if got := getRow(t, c, "t", pk("id", "new2"))["v"]; got != int64(2) {
		t.Errorf("new2 = %v", got)
	}
}

func TestBatchLimits(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, intPK("n"))
	req := &tablestore.BatchWriteRowRequest{}
	for i := 0; i < 201; i++ {
		ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("n", int64(i))}
		ch.AddColumn("v", int64(i))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		req.AddRowChange(ch)
	}
	_, err := c.BatchWriteRow(req)
	wantCode(t, err, ots.CodeParameterInvalid)
	if getRow(t, c, "t", pk("n", int64(0))) != nil {
		t.Fatal("a refused batch wrote rows")
	}
	req.RowChangesGroupByTable["t"] = req.RowChangesGroupByTable["t"][:200]
	if _, err := c.BatchWriteRow(req); err != nil {
		t.Fatalf("200 rows: %v", err)
	}

	crit := &tablestore.MultiRowQueryCriteria{TableName: "t", MaxVersion: 1}
	for i := 0; i < 101; i++ {
		crit.AddRow(pk("n", int64(i)))
	}
	_, err = c.BatchGetRow(&tablestore.BatchGetRowRequest{MultiRowQueryCriteria: []*tablestore.MultiRowQueryCriteria{crit}})
	wantCode(t, err, ots.CodeParameterInvalid)

	dup := &tablestore.BatchWriteRowRequest{}
	for i := 0; i < 2; i++ {
		ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("n", int64(7))}
		ch.AddColumn("v", int64(i))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		dup.AddRowChange(ch)
	}
	_, err = c.BatchWriteRow(dup)
	wantCode(t, err, ots.CodeParameterInvalid)
}

func TestBatchGetRowOrder(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, intPK("n"))
	for i := int64(0); i < 10; i++ {
		putRow(t, c, "t", pk("n", i), "v", i*10)
	}
	crit := &tablestore.MultiRowQueryCriteria{TableName: "t", MaxVersion: 1}
	order := []int64{7, 3, 42, 0, 9}
	for _, n := range order {
		crit.AddRow(pk("n", n))
	}
	other := &tablestore.MultiRowQueryCriteria{TableName: "missing", MaxVersion: 1}
	other.AddRow(pk("n", int64(1)))
	resp, err := c.BatchGetRow(&tablestore.BatchGetRowRequest{MultiRowQueryCriteria: []*tablestore.MultiRowQueryCriteria{crit, other}})
	if err != nil {
		t.Fatal(err)
	}
	rows := resp.TableToRowsResult["t"]
	if len(rows) != len(order) {
		t.Fatalf("%d rows, want %d", len(rows), len(order))
	}
	for i, n := range order {
		r := rows[i]
		if !r.IsSucceed {
			t.Fatalf("row %d failed: %v", i, r.Error)
		}
		if n == 42 {
			if len(r.Columns) != 0 {
				t.Errorf("missing row 42 has columns %v", r.Columns)
			}
			continue
		}
		if r.PrimaryKey.PrimaryKeys[0].Value != n || r.Columns[0].Value != n*10 {
			t.Errorf("row %d = %v %v, want key %d", i, r.PrimaryKey.PrimaryKeys, r.Columns, n)
		}
	}
	if m := resp.TableToRowsResult["missing"]; len(m) != 1 || m[0].IsSucceed || m[0].Error.Code != ots.CodeObjectNotExist {
		t.Errorf("missing table = %+v", m)
	}
}

func TestBatchWriteRowSizeLimit(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, intPK("n"))
	req := &tablestore.BatchWriteRowRequest{}
	for i := 0; i < 3; i++ { // 4.5 MB of rows in a request under the 5 MB body limit
		ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("n", int64(i))}
		ch.AddColumn("v", strings.Repeat("x", 1536<<10))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		req.AddRowChange(ch)
	}
	_, err := c.BatchWriteRow(req)
	wantCode(t, err, ots.CodeParameterInvalid)
	if getRow(t, c, "t", pk("n", int64(0))) != nil {
		t.Fatal("a refused batch stored a row")
	}
}
