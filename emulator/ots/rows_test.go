package ots_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func put(c *tablestore.TableStoreClient, table string, key *tablestore.PrimaryKey, exp tablestore.RowExistenceExpectation, cond tablestore.ColumnFilter, cols ...any) error {
	ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: key}
	for i := 0; i < len(cols); i += 2 {
		ch.AddColumn(cols[i].(string), cols[i+1])
	}
	ch.SetCondition(exp)
	if cond != nil {
		ch.SetColumnCondition(cond)
	}
	_, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch})
	return err
}

func TestRowExistenceExpectations(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))

	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_EXIST, nil, "v", int64(1)); otsCode(err) != ots.CodeConditionCheckFail {
		t.Fatalf("EXPECT_EXIST on a missing row: %v", err)
	}
	if getRow(t, c, "t", pk("id", "a")) != nil {
		t.Fatal("a failed condition wrote the row")
	}
	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "v", int64(1)); err != nil {
		t.Fatalf("EXPECT_NOT_EXIST on a missing row: %v", err)
	}
	err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "v", int64(2))
	wantCode(t, err, ots.CodeConditionCheckFail)
	if got := getRow(t, c, "t", pk("id", "a"))["v"]; got != int64(1) {
		t.Fatalf("v = %v after a failed insert, want 1", got)
	}
	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_EXIST, nil, "v", int64(3)); err != nil {
		t.Fatal(err)
	}

	del := &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: pk("id", "zz")}
	del.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	_, err = c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del})
	wantCode(t, err, ots.CodeConditionCheckFail)
	del = &tablestore.DeleteRowChange{TableName: "t", PrimaryKey: pk("id", "a")}
	del.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}
	if getRow(t, c, "t", pk("id", "a")) != nil {
		t.Fatal("row still there after DeleteRow")
	}
}

func TestColumnConditions(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	putRow(t, c, "t", pk("id", "a"), "version", int64(1), "state", "created")

	// Optimistic concurrency: write only if version is still 1.
	cond := tablestore.NewSingleColumnCondition("version", tablestore.CT_EQUAL, int64(1))
	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_EXIST, cond, "version", int64(2), "state", "paid"); err != nil {
		t.Fatal(err)
	}
	err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_EXPECT_EXIST, cond, "version", int64(2), "state", "cancelled")
	wantCode(t, err, ots.CodeConditionCheckFail)
	if got := getRow(t, c, "t", pk("id", "a"))["state"]; got != "paid" {
		t.Fatalf("state = %v, want paid", got)
	}

	// Composite: state == paid AND version >= 2.
	comp := tablestore.NewCompositeColumnCondition(tablestore.LO_AND)
	comp.AddFilter(tablestore.NewSingleColumnCondition("state", tablestore.CT_EQUAL, "paid"))
	comp.AddFilter(tablestore.NewSingleColumnCondition("version", tablestore.CT_GREATER_EQUAL, int64(2)))
	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_IGNORE, comp, "version", int64(3), "state", "shipped"); err != nil {
		t.Fatal(err)
	}

	// filter_if_missing: a missing column passes unless it is set.
	missing := tablestore.NewSingleColumnCondition("nope", tablestore.CT_EQUAL, "x")
	if err := put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_IGNORE, missing, "version", int64(4)); err != nil {
		t.Fatalf("missing column without filter_if_missing: %v", err)
	}
	missing = tablestore.NewSingleColumnCondition("nope", tablestore.CT_EQUAL, "x")
	missing.FilterIfMissing = true
	err = put(c, "t", pk("id", "a"), tablestore.RowExistenceExpectation_IGNORE, missing, "version", int64(5))
	wantCode(t, err, ots.CodeConditionCheckFail)
}

func TestUpdateRowOperations(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 3, -1, strPK("id"))
	now := time.Now().UnixMilli()
	ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("id", "a")}
	ch.AddColumnWithTimestamp("c", "v1", now-3000)
	ch.AddColumnWithTimestamp("c", "v2", now-2000)
	ch.AddColumnWithTimestamp("n", int64(10), now-1000)
	ch.AddColumn("gone", "x")
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatal(err)
	}

	up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "a")}
	up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	up.IncrementColumn("n", 5)
	up.IncrementColumn("fresh", 2)
	up.DeleteColumn("gone")
	up.DeleteColumnWithTimestamp("c", now-3000)
	up.PutColumn("d", "new")
	up.SetReturnIncrementValue()
	up.AppendIncrementColumnToReturn("n")
	up.AppendIncrementColumnToReturn("fresh")
	resp, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
	if err != nil {
		t.Fatal(err)
	}
	ret := map[string]any{}
	for _, col := range resp.Columns {
		ret[col.ColumnName] = col.Value
	}
	if ret["n"] != int64(15) || ret["fresh"] != int64(2) {
		t.Fatalf("returned increments = %v, want n=15 fresh=2", ret)
	}

	g, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "t", PrimaryKey: pk("id", "a"), MaxVersion: 10}})
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string][]any{}
	for _, col := range g.Columns {
		versions[col.ColumnName] = append(versions[col.ColumnName], col.Value)
	}
	if len(versions["c"]) != 1 || versions["c"][0] != "v2" {
		t.Errorf("c versions = %v, want [v2] after deleting the older one", versions["c"])
	}
	if _, ok := versions["gone"]; ok {
		t.Errorf("gone still present: %v", versions["gone"])
	}
	if len(versions["n"]) != 2 || versions["n"][0] != int64(15) {
		t.Errorf("n versions = %v, want [15 10] (newest first)", versions["n"])
	}
	if versions["d"][0] != "new" {
		t.Errorf("d = %v", versions["d"])
	}

	// INCREMENT of a non-integer column is refused and changes nothing.
	bad := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "a")}
	bad.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	bad.IncrementColumn("d", 1)
	bad.PutColumn("n", int64(99))
	_, err = c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: bad})
	wantCode(t, err, ots.CodeParameterInvalid)
	if got := getRow(t, c, "t", pk("id", "a"))["n"]; got != int64(15) {
		t.Fatalf("n = %v after a refused update, want 15", got)
	}

	// UpdateRow on a missing row creates it; EXPECT_EXIST refuses.
	up = &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "b")}
	up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	up.PutColumn("x", int64(1))
	_, err = c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
	wantCode(t, err, ots.CodeConditionCheckFail)
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	if got := getRow(t, c, "t", pk("id", "b"))["x"]; got != int64(1) {
		t.Fatalf("x = %v, want 1", got)
	}
}

func TestVersionsAndTimeRange(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 2, -1, strPK("id"))
	now := time.Now().UnixMilli()
	for i, v := range []string{"a", "b", "c"} {
		up := &tablestore.UpdateRowChange{TableName: "t", PrimaryKey: pk("id", "k")}
		up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		up.Columns = append(up.Columns, tablestore.ColumnToUpdate{ColumnName: "col", Value: v, Timestamp: now - int64(3-i)*1000, HasTimestamp: true})
		if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(crit *tablestore.SingleRowQueryCriteria) []any {
		crit.TableName, crit.PrimaryKey = "t", pk("id", "k")
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: crit})
		if err != nil {
			t.Fatal(err)
		}
		var out []any
		for _, col := range resp.Columns {
			out = append(out, col.Value)
		}
		return out
	}
	if got := get(&tablestore.SingleRowQueryCriteria{MaxVersion: 5}); len(got) != 2 || got[0] != "c" || got[1] != "b" {
		t.Errorf("versions = %v, want [c b] (table max_versions 2)", got)
	}
	if got := get(&tablestore.SingleRowQueryCriteria{MaxVersion: 1}); len(got) != 1 || got[0] != "c" {
		t.Errorf("max_versions 1 = %v, want [c]", got)
	}
	if got := get(&tablestore.SingleRowQueryCriteria{TimeRange: &tablestore.TimeRange{Start: now - 2500, End: now - 1500}}); len(got) != 1 || got[0] != "b" {
		t.Errorf("time range = %v, want [b]", got)
	}
	if got := get(&tablestore.SingleRowQueryCriteria{TimeRange: &tablestore.TimeRange{Specific: now - 1000}}); len(got) != 1 || got[0] != "c" {
		t.Errorf("specific time = %v, want [c]", got)
	}
}

func TestTTLHidesOldVersions(t *testing.T) {
	clock := time.Now()
	_, c := start(t, ots.Config{Now: func() time.Time { return clock }})
	createTable(t, c, "t", 1, 86400, strPK("id"))
	putRow(t, c, "t", pk("id", "k"), "v", "x")
	if getRow(t, c, "t", pk("id", "k")) == nil {
		t.Fatal("row missing before its TTL")
	}
	clock = clock.Add(86401 * time.Second)
	if got := getRow(t, c, "t", pk("id", "k")); got != nil {
		t.Fatalf("row = %v after its TTL, want none", got)
	}
	err := put(c, "t", pk("id", "k"), tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST, nil, "v", "y")
	if err != nil {
		t.Fatalf("insert over an expired row: %v", err)
	}
}

func TestAutoIncrement(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("user"), pkDef{name: "seq", typ: tablestore.PrimaryKeyType_INTEGER, autoInc: true})
	var seqs []int64
	for i := 0; i < 3; i++ {
		key := pk("user", "u1")
		key.AddPrimaryKeyColumnWithAutoIncrement("seq")
		ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: key}
		ch.AddColumn("i", int64(i))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		ch.SetReturnPk()
		resp, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.PrimaryKey.PrimaryKeys) != 2 {
			t.Fatalf("returned primary key = %v", resp.PrimaryKey)
		}
		seqs = append(seqs, resp.PrimaryKey.PrimaryKeys[1].Value.(int64))
	}
	if !(seqs[0] < seqs[1] && seqs[1] < seqs[2]) {
		t.Fatalf("auto-increment values %v not increasing", seqs)
	}
	if got := getRow(t, c, "t", pk("user", "u1", "seq", seqs[1]))["i"]; got != int64(1) {
		t.Fatalf("row at seq %d: i = %v, want 1", seqs[1], got)
	}
	// AUTO_INCREMENT on the partition key is refused.
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          &tablestore.TableMeta{TableName: "bad", SchemaEntry: []*tablestore.PrimaryKeySchema{{Name: strp("id"), Type: pkType(tablestore.PrimaryKeyType_INTEGER), Option: pkOpt(tablestore.AUTO_INCREMENT)}}},
		TableOption:        &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	wantCode(t, err, ots.CodeParameterInvalid)
}

func strp(s string) *string                                            { return &s }
func pkType(t tablestore.PrimaryKeyType) *tablestore.PrimaryKeyType    { return &t }
func pkOpt(o tablestore.PrimaryKeyOption) *tablestore.PrimaryKeyOption { return &o }

func TestGetRowSelection(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	putRow(t, c, "t", pk("id", "k"), "a", int64(1), "b", int64(2), "c", int64(3), "d", int64(4), "state", "paid")
	names := func(crit *tablestore.SingleRowQueryCriteria) []string {
		crit.TableName, crit.PrimaryKey, crit.MaxVersion = "t", pk("id", "k"), 1
		resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: crit})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, col := range resp.Columns {
			out = append(out, col.ColumnName)
		}
		return out
	}
	check := func(name string, got []string, want string) {
		t.Helper()
		if fmt.Sprint(got) != want {
			t.Errorf("%s: columns %v, want %s", name, got, want)
		}
	}
	check("columns_to_get", names(&tablestore.SingleRowQueryCriteria{ColumnsToGet: []string{"b", "d", "zz"}}), "[b d]")
	start, end := "b", "d"
	check("column range", names(&tablestore.SingleRowQueryCriteria{StartColumn: &start, EndColumn: &end}), "[b c]")
	check("pagination", names(&tablestore.SingleRowQueryCriteria{Filter: &tablestore.PaginationFilter{Offset: 1, Limit: 2}}), "[b c]")
	check("filter passes", names(&tablestore.SingleRowQueryCriteria{Filter: tablestore.NewSingleColumnCondition("state", tablestore.CT_EQUAL, "paid")}), "[a b c d state]")
	check("filter fails", names(&tablestore.SingleRowQueryCriteria{Filter: tablestore.NewSingleColumnCondition("state", tablestore.CT_EQUAL, "new")}), "[]")
	check("none of the columns", names(&tablestore.SingleRowQueryCriteria{ColumnsToGet: []string{"zz"}}), "[]")
}

func TestUnsupportedThroughSDK(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("id"))
	_, err := c.ListSearchIndex(&tablestore.ListSearchIndexRequest{TableName: "t"})
	wantCode(t, err, ots.CodeUnsupportOperation)
}
