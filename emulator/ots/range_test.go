package ots_test

import (
	"fmt"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// scan reads a whole range page by page and returns the rows' keys, as
// "part/num".
func scan(t *testing.T, c *tablestore.TableStoreClient, crit *tablestore.RangeRowQueryCriteria) (keys []string, pages int) {
	t.Helper()
	for {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			t.Fatalf("GetRange: %v", err)
		}
		pages++
		for _, r := range resp.Rows {
			keys = append(keys, fmt.Sprintf("%v/%v", r.PrimaryKey.PrimaryKeys[0].Value, r.PrimaryKey.PrimaryKeys[1].Value))
		}
		if resp.NextStartPrimaryKey == nil {
			return keys, pages
		}
		crit.StartPrimaryKey = resp.NextStartPrimaryKey
	}
}

func bound(part any, minNum bool) *tablestore.PrimaryKey {
	p := new(tablestore.PrimaryKey)
	switch part {
	case "min":
		p.AddPrimaryKeyColumnWithMinValue("part")
	case "max":
		p.AddPrimaryKeyColumnWithMaxValue("part")
	default:
		p.AddPrimaryKeyColumn("part", part)
	}
	if minNum {
		p.AddPrimaryKeyColumnWithMinValue("num")
	} else {
		p.AddPrimaryKeyColumnWithMaxValue("num")
	}
	return p
}

func TestGetRange(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "t", 1, -1, strPK("part"), intPK("num"))
	req := &tablestore.BatchWriteRowRequest{}
	for _, part := range []string{"a", "b", "a\x00", "ab"} {
		for _, n := range []int64{-5, 0, 7, 1 << 40} {
			ch := &tablestore.PutRowChange{TableName: "t", PrimaryKey: pk("part", part, "num", n)}
			ch.AddColumn("n", n)
			ch.AddColumn("even", n%2 == 0)
			ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
			req.AddRowChange(ch)
		}
	}
	if _, err := c.BatchWriteRow(req); err != nil {
		t.Fatal(err)
	}

	keys, _ := scan(t, c, &tablestore.RangeRowQueryCriteria{TableName: "t", StartPrimaryKey: bound("min", true), EndPrimaryKey: bound("max", false), MaxVersion: 1})
	want := []string{"a/-5", "a/0", "a/7", "a/1099511627776", "a\x00/-5", "a\x00/0", "a\x00/7", "a\x00/1099511627776",
		"ab/-5", "ab/0", "ab/7", "ab/1099511627776", "b/-5", "b/0", "b/7", "b/1099511627776"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("forward scan:\n got %q\nwant %q", keys, want)
	}

	keys, pages := scan(t, c, &tablestore.RangeRowQueryCriteria{TableName: "t", StartPrimaryKey: bound("max", false), EndPrimaryKey: bound("min", true), MaxVersion: 1, Direction: tablestore.BACKWARD, Limit: 3})
	if len(keys) != 16 || keys[0] != "b/1099511627776" || keys[15] != "a/-5" || pages != 6 {
		t.Fatalf("backward scan with limit 3: %d pages, %q", pages, keys)
	}

	// One partition, from a/0 inclusive to a/7 exclusive.
	keys, _ = scan(t, c, &tablestore.RangeRowQueryCriteria{TableName: "t", StartPrimaryKey: pk("part", "a", "num", int64(0)), EndPrimaryKey: pk("part", "a", "num", int64(7)), MaxVersion: 1})
	if fmt.Sprint(keys) != "[a/0]" {
		t.Fatalf("bounded scan = %q, want [a/0]", keys)
	}

	// Filter and column selection: the filter sees the columns the read
	// returns, so a filter column left out of columns_to_get is missing.
	filtered := func(cols ...string) []*tablestore.Row {
		crit := &tablestore.RangeRowQueryCriteria{TableName: "t", StartPrimaryKey: bound("b", true), EndPrimaryKey: bound("b", false), MaxVersion: 1,
			Filter: tablestore.NewSingleColumnCondition("even", tablestore.CT_EQUAL, true), ColumnsToGet: cols}
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Rows
	}
	rows := filtered("n", "even")
	if len(rows) != 2 {
		t.Fatalf("filtered rows = %d, want 2 (0 and 2^40)", len(rows))
	}
	for _, r := range rows {
		if len(r.Columns) != 2 || r.Columns[0].ColumnName != "even" || r.Columns[1].ColumnName != "n" {
			t.Fatalf("columns = %v, want even and n", r.Columns)
		}
	}
	if rows := filtered("n"); len(rows) != 4 {
		t.Fatalf("filter on a column not read: %d rows, want all 4 (missing passes)", len(rows))
	}

	// Start after end is refused.
	_, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{TableName: "t",
		StartPrimaryKey: bound("b", true), EndPrimaryKey: bound("a", true), MaxVersion: 1}})
	wantCode(t, err, ots.CodeParameterInvalid)
}
