package ots_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// createIndexedTable creates table players (id, then seq), with defined
// columns job, level, name and score and, when withIndex, the index
// by_job (job; carrying level and name).
func createIndexedTable(t testing.TB, c *tablestore.TableStoreClient, withIndex bool) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("seq", tablestore.PrimaryKeyType_INTEGER)
	meta.AddDefinedColumn("job", tablestore.DefinedColumn_STRING)
	meta.AddDefinedColumn("level", tablestore.DefinedColumn_INTEGER)
	meta.AddDefinedColumn("name", tablestore.DefinedColumn_STRING)
	meta.AddDefinedColumn("score", tablestore.DefinedColumn_DOUBLE)
	req := &tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}
	if withIndex {
		req.AddIndexMeta(byJob())
	}
	if _, err := c.CreateTable(req); err != nil {
		t.Fatalf("CreateTable with an index: %v", err)
	}
}

func byJob() *tablestore.IndexMeta {
	ix := &tablestore.IndexMeta{IndexName: "by_job"}
	ix.AddPrimaryKeyColumn("job")
	ix.AddDefinedColumn("level")
	ix.AddDefinedColumn("name")
	return ix
}

// indexRow is a row of a scan: its primary key and columns, printed.
type indexRow struct{ pk, cols string }

// scanRows reads every row of table (an index table too), page by page.
func scanRows(t *testing.T, c *tablestore.TableStoreClient, table string, pkNames ...string) []indexRow {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, n := range pkNames {
		start.AddPrimaryKeyColumnWithMinValue(n)
		end.AddPrimaryKeyColumnWithMaxValue(n)
	}
	var out []indexRow
	for start != nil {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, Direction: tablestore.FORWARD, MaxVersion: 1, Limit: 7,
		}})
		if err != nil {
			t.Fatalf("GetRange %s: %v", table, err)
		}
		for _, r := range resp.Rows {
			out = append(out, printRow(r.PrimaryKey.PrimaryKeys, r.Columns))
		}
		start = resp.NextStartPrimaryKey
	}
	return out
}

func printRow(pk []*tablestore.PrimaryKeyColumn, cols []*tablestore.AttributeColumn) indexRow {
	var k, v []string
	for _, p := range pk {
		k = append(k, fmt.Sprintf("%s=%v", p.ColumnName, p.Value))
	}
	for _, col := range cols {
		v = append(v, fmt.Sprintf("%s=%v", col.ColumnName, col.Value))
	}
	return indexRow{strings.Join(k, ","), strings.Join(v, ",")}
}

// expectedByJob derives by_job's rows from the rows of players, as the
// service defines an index: rows with a job, keyed by job then the
// table's key, carrying level and name.
func expectedByJob(t *testing.T, c *tablestore.TableStoreClient) []indexRow {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, n := range []string{"id", "seq"} {
		start.AddPrimaryKeyColumnWithMinValue(n)
		end.AddPrimaryKeyColumnWithMaxValue(n)
	}
	var want []indexRow
	type keyed struct {
		job string
		row indexRow
	}
	var rows []keyed
	for start != nil {
		resp, err := c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: "players", StartPrimaryKey: start, EndPrimaryKey: end, Direction: tablestore.FORWARD, MaxVersion: 1,
		}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Rows {
			var job *tablestore.AttributeColumn
			var carried []*tablestore.AttributeColumn
			for _, col := range r.Columns {
				switch col.ColumnName {
				case "job":
					job = col
				case "level", "name":
					carried = append(carried, col)
				}
			}
			if job == nil {
				continue
			}
			pk := append([]*tablestore.PrimaryKeyColumn{{ColumnName: "job", Value: job.Value}}, r.PrimaryKey.PrimaryKeys...)
			rows = append(rows, keyed{job.Value.(string), printRow(pk, carried)})
		}
		start = resp.NextStartPrimaryKey
	}
	// The table's order within one job is kept by a stable sort on job.
	slices.SortStableFunc(rows, func(a, b keyed) int { return strings.Compare(a.job, b.job) })
	for _, r := range rows {
		want = append(want, r.row)
	}
	return want
}

func sameRows(t *testing.T, what string, got, want []indexRow) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

func TestSecondaryIndexFollowsEveryWritePath(t *testing.T) {
	_, c := start(t, ots.Config{Dir: t.TempDir()})
	createIndexedTable(t, c, true)
	key := func(id string, seq int64) *tablestore.PrimaryKey { return pk("id", id, "seq", seq) }

	putRow(t, c, "players", key("a", 1), "job", "mage", "level", int64(3), "name", "ann", "score", 1.5)
	putRow(t, c, "players", key("b", 1), "job", "tank", "level", int64(5), "name", "bob")
	putRow(t, c, "players", key("c", 1), "name", "cat") // no job: not in the index
	putRow(t, c, "players", key("d", 2), "job", "mage", "name", "dan")
	sameRows(t, "after puts", scanRows(t, c, "by_job", "job", "id", "seq"), []indexRow{
		{"job=mage,id=a,seq=1", "level=3,name=ann"},
		{"job=mage,id=d,seq=2", "name=dan"},
		{"job=tank,id=b,seq=1", "level=5,name=bob"},
	})

	// UpdateRow moves a row within the index, adds one, removes one.
	up := &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key("b", 1)}
	up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	up.PutColumn("job", "healer")
	up.IncrementColumn("level", 1)
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	up = &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key("c", 1)}
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	up.PutColumn("job", "tank")
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	up = &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key("d", 2)}
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	up.DeleteColumn("job")
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	// DeleteRow, and a BatchWriteRow mixing the three kinds.
	del := &tablestore.DeleteRowChange{TableName: "players", PrimaryKey: key("a", 1)}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}
	batch := &tablestore.BatchWriteRowRequest{}
	put := &tablestore.PutRowChange{TableName: "players", PrimaryKey: key("e", 1)}
	put.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	put.AddColumn("job", "mage")
	put.AddColumn("name", "eve")
	batch.AddRowChange(put)
	up = &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key("c", 1)}
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	up.PutColumn("name", "cathy")
	batch.AddRowChange(up)
	del = &tablestore.DeleteRowChange{TableName: "players", PrimaryKey: key("b", 1)}
	del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	batch.AddRowChange(del)
	resp, err := c.BatchWriteRow(batch)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.TableToRowsResult["players"] {
		if !r.IsSucceed {
			t.Fatalf("batch row %d: %s", r.Index, r.Error.Message)
		}
	}
	want := []indexRow{
		{"job=mage,id=e,seq=1", "name=eve"},
		{"job=tank,id=c,seq=1", "name=cathy"},
	}
	sameRows(t, "after updates, deletes and a batch", scanRows(t, c, "by_job", "job", "id", "seq"), want)

	// A local transaction's writes reach the index at commit, not before.
	tx, err := c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "players", PrimaryKey: pk("id", "e")})
	if err != nil {
		t.Fatal(err)
	}
	up = &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key("e", 1), TransactionId: tx.TransactionId}
	up.SetCondition(tablestore.RowExistenceExpectation_EXPECT_EXIST)
	up.PutColumn("job", "rogue")
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "during the transaction", scanRows(t, c, "by_job", "job", "id", "seq"), want)
	if _, err := c.CommitTransaction(&tablestore.CommitTransactionRequest{TransactionId: tx.TransactionId}); err != nil {
		t.Fatal(err)
	}
	want = []indexRow{
		{"job=rogue,id=e,seq=1", "name=eve"},
		{"job=tank,id=c,seq=1", "name=cathy"},
	}
	sameRows(t, "after the commit", scanRows(t, c, "by_job", "job", "id", "seq"), want)
	sameRows(t, "derived from the table", expectedByJob(t, c), want)

	// GetRow and BatchGetRow read the index by its whole key.
	got, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: "by_job", PrimaryKey: pk("job", "tank", "id", "c", "seq", int64(1)), MaxVersion: 1}})
	if err != nil || printRow(got.PrimaryKey.PrimaryKeys, got.Columns) != want[1] {
		t.Errorf("GetRow on the index = %+v, %v", got, err)
	}
	bg := &tablestore.BatchGetRowRequest{MultiRowQueryCriteria: []*tablestore.MultiRowQueryCriteria{{TableName: "by_job", MaxVersion: 1}}}
	bg.MultiRowQueryCriteria[0].AddRow(pk("job", "rogue", "id", "e", "seq", int64(1)))
	bg.MultiRowQueryCriteria[0].AddRow(pk("job", "mage", "id", "e", "seq", int64(1)))
	bresp, err := c.BatchGetRow(bg)
	if err != nil {
		t.Fatal(err)
	}
	rows := bresp.TableToRowsResult["by_job"]
	if len(rows) != 2 || !rows[0].IsSucceed || printRow(rows[0].PrimaryKey.PrimaryKeys, rows[0].Columns) != want[0] || rows[1].PrimaryKey.PrimaryKeys != nil {
		t.Errorf("BatchGetRow on the index = %+v", rows)
	}
}

func TestSecondaryIndexDurable(t *testing.T) {
	dir := t.TempDir()
	srv, c := start(t, ots.Config{Dir: dir})
	createIndexedTable(t, c, true)
	putRow(t, c, "players", pk("id", "a", "seq", int64(1)), "job", "mage", "name", "ann")
	srv.Close()

	_, c = start(t, ots.Config{Dir: dir})
	putRow(t, c, "players", pk("id", "b", "seq", int64(1)), "job", "bard")
	up := &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: pk("id", "a", "seq", int64(1))}
	up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	up.PutColumn("job", "sage")
	if _, err := c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "after a restart", scanRows(t, c, "by_job", "job", "id", "seq"), []indexRow{
		{"job=bard,id=b,seq=1", ""},
		{"job=sage,id=a,seq=1", "name=ann"},
	})
	d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "players"})
	if err != nil || len(d.IndexMetas) != 1 || d.IndexMetas[0].IndexName != "by_job" {
		t.Fatalf("DescribeTable after a restart = %+v, %v", d, err)
	}
}

func TestCreateAndDeleteIndex(t *testing.T) {
	_, c := start(t, ots.Config{})
	createIndexedTable(t, c, false)
	putRow(t, c, "players", pk("id", "a", "seq", int64(1)), "job", "mage", "level", int64(2), "name", "ann")
	putRow(t, c, "players", pk("id", "b", "seq", int64(1)), "level", int64(4))

	// With base data, the index is built from the rows already there.
	if _, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: byJob(), IncludeBaseData: true}); err != nil {
		t.Fatalf("CreateIndex: %v", err)
	}
	sameRows(t, "built from base data", scanRows(t, c, "by_job", "job", "id", "seq"), []indexRow{{"job=mage,id=a,seq=1", "level=2,name=ann"}})

	// Without, it holds the rows written after it only.
	byLevel := &tablestore.IndexMeta{IndexName: "by_level"}
	byLevel.AddPrimaryKeyColumn("level")
	byLevel.AddPrimaryKeyColumn("seq")
	if _, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: byLevel}); err != nil {
		t.Fatalf("CreateIndex without base data: %v", err)
	}
	if got := scanRows(t, c, "by_level", "level", "seq", "id"); len(got) != 0 {
		t.Errorf("an index created without base data holds %v", got)
	}
	putRow(t, c, "players", pk("id", "c", "seq", int64(9)), "level", int64(1))
	sameRows(t, "by_level", scanRows(t, c, "by_level", "level", "seq", "id"), []indexRow{{"level=1,seq=9,id=c", ""}})

	d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "players"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range d.IndexMetas {
		names = append(names, m.IndexName+"("+strings.Join(m.Primarykey, ",")+"|"+strings.Join(m.DefinedColumns, ",")+")")
	}
	if fmt.Sprint(names) != "[by_job(job|level,name) by_level(level,seq|)]" {
		t.Errorf("DescribeTable lists indexes %v", names)
	}
	list, err := c.ListTable()
	if err != nil || fmt.Sprint(list.TableNames) != "[players]" {
		t.Errorf("ListTable = %v, %v; want the data table only", list, err)
	}

	if _, err := c.DeleteIndex(&tablestore.DeleteIndexRequest{MainTableName: "players", IndexName: "by_level"}); err != nil {
		t.Fatalf("DeleteIndex: %v", err)
	}
	_, err = c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: rangeAll("by_level", "level", "seq", "id")})
	wantCode(t, err, ots.CodeObjectNotExist)
	_, err = c.DeleteIndex(&tablestore.DeleteIndexRequest{MainTableName: "players", IndexName: "by_level"})
	wantCode(t, err, ots.CodeObjectNotExist)

	// A new index of the same name starts empty.
	if _, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: byLevel}); err != nil {
		t.Fatal(err)
	}
	if got := scanRows(t, c, "by_level", "level", "seq", "id"); len(got) != 0 {
		t.Errorf("a re-created index holds %v", got)
	}

	// Deleting the table deletes its indexes.
	_, err = c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "by_job"})
	wantCode(t, err, ots.CodeParameterInvalid)
	if _, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "players"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: rangeAll("by_job", "job", "id", "seq")})
	wantCode(t, err, ots.CodeObjectNotExist)
	createIndexedTable(t, c, true)
	if got := scanRows(t, c, "by_job", "job", "id", "seq"); len(got) != 0 {
		t.Errorf("the index of a re-created table holds %v", got)
	}
}

func rangeAll(table string, pkNames ...string) *tablestore.RangeRowQueryCriteria {
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, n := range pkNames {
		start.AddPrimaryKeyColumnWithMinValue(n)
		end.AddPrimaryKeyColumnWithMaxValue(n)
	}
	return &tablestore.RangeRowQueryCriteria{TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, Direction: tablestore.FORWARD, MaxVersion: 1}
}

func TestBadIndexes(t *testing.T) {
	_, c := start(t, ots.Config{MaxTables: 8})
	createIndexedTable(t, c, true)
	index := func(name string, keys []string, attrs ...string) *tablestore.IndexMeta {
		return &tablestore.IndexMeta{IndexName: name, Primarykey: keys, DefinedColumns: attrs}
	}
	cases := []struct {
		name string
		meta *tablestore.IndexMeta
		code string
		msg  string
	}{
		{"unknown index column", index("i1", []string{"nope"}), ots.CodeParameterInvalid, "nope"},
		{"double index column", index("i1", []string{"score"}), ots.CodeParameterInvalid, "score"},
		{"no index column", index("i1", nil), ots.CodeParameterInvalid, "index columns"},
		{"five index columns", index("i1", []string{"job", "level", "name", "id", "seq"}), ots.CodeParameterInvalid, "index columns"},
		{"column twice", index("i1", []string{"job", "job"}), ots.CodeParameterInvalid, "twice"},
		{"attribute also a key", index("i1", []string{"job"}, "job"), ots.CodeParameterInvalid, "twice"},
		{"attribute not defined", index("i1", []string{"job"}, "other"), ots.CodeParameterInvalid, "other"},
		{"bad name", index("1st", []string{"job"}), ots.CodeParameterInvalid, "1st"},
		{"name of a table", index("players", []string{"job"}), ots.CodeObjectAlreadyExist, "players"},
		{"name of an index", index("by_job", []string{"level"}), ots.CodeObjectAlreadyExist, "by_job"},
	}
	for _, tc := range cases {
		_, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: tc.meta})
		if otsCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %s mentioning %q", tc.name, err, tc.code, tc.msg)
		}
	}
	_, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "nope", IndexMeta: index("i1", []string{"job"})})
	wantCode(t, err, ots.CodeObjectNotExist)

	// An AUTO_INCREMENT column cannot lead an index; a table has at most 32
	// defined columns.
	meta := &tablestore.TableMeta{TableName: "auto"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumnOption("n", tablestore.PrimaryKeyType_INTEGER, tablestore.AUTO_INCREMENT)
	meta.AddDefinedColumn("job", tablestore.DefinedColumn_STRING)
	req := &tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}
	req.AddIndexMeta(index("auto_by_n", []string{"n", "job"}))
	_, err = c.CreateTable(req)
	if otsCode(err) != ots.CodeParameterInvalid || !strings.Contains(err.Error(), "AUTO_INCREMENT") {
		t.Errorf("an index led by an AUTO_INCREMENT column: %v", err)
	}
	req.IndexMetas = []*tablestore.IndexMeta{index("auto_by_job", []string{"job", "n"})}
	for i := range 32 {
		meta.AddDefinedColumn(fmt.Sprint("c", i), tablestore.DefinedColumn_INTEGER)
	}
	_, err = c.CreateTable(req)
	if otsCode(err) != ots.CodeParameterInvalid || !strings.Contains(err.Error(), "defined columns") {
		t.Errorf("33 defined columns: %v", err)
	}

	// A table with indexes keeps one version forever, and has at most five.
	for _, opt := range []*tablestore.TableOption{{TimeToAlive: -1, MaxVersion: 2}, {TimeToAlive: 86400, MaxVersion: 1}} {
		meta := &tablestore.TableMeta{TableName: "versions"}
		meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
		meta.AddDefinedColumn("job", tablestore.DefinedColumn_STRING)
		req := &tablestore.CreateTableRequest{TableMeta: meta, TableOption: opt, ReservedThroughput: &tablestore.ReservedThroughput{}}
		req.AddIndexMeta(index("v_by_job", []string{"job"}))
		_, err := c.CreateTable(req)
		wantCode(t, err, ots.CodeParameterInvalid)
		_, err = c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "players", TableOption: opt})
		wantCode(t, err, ots.CodeParameterInvalid)
	}
	if _, err := c.ListTable(); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		if _, err := c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: index(fmt.Sprint("i", i), []string{"level"})}); err != nil {
			t.Fatalf("index %d: %v", i, err)
		}
	}
	_, err = c.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: "players", IndexMeta: index("i6", []string{"level"})})
	wantCode(t, err, ots.CodeQuotaExhausted)

	// Index tables only take reads.
	err = put(c, "by_job", pk("job", "x", "id", "a", "seq", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil, "name", "x")
	wantCode(t, err, ots.CodeParameterInvalid)
	batch := &tablestore.BatchWriteRowRequest{}
	bp := &tablestore.PutRowChange{TableName: "by_job", PrimaryKey: pk("job", "x", "id", "a", "seq", int64(1))}
	bp.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	bp.AddColumn("name", "x")
	batch.AddRowChange(bp)
	resp, err := c.BatchWriteRow(batch)
	if err != nil || resp.TableToRowsResult["by_job"][0].IsSucceed {
		t.Errorf("BatchWriteRow to an index table: %+v, %v", resp, err)
	}
	_, err = c.StartLocalTransaction(&tablestore.StartLocalTransactionRequest{TableName: "by_job", PrimaryKey: pk("job", "x")})
	wantCode(t, err, ots.CodeParameterInvalid)
	_, err = c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "by_job", TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}})
	wantCode(t, err, ots.CodeParameterInvalid)

	// A defined column an index uses takes its type only.
	err = put(c, "players", pk("id", "a", "seq", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil, "job", int64(7))
	wantCode(t, err, ots.CodeParameterInvalid)
	err = put(c, "players", pk("id", "a", "seq", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil, "job", strings.Repeat("j", 1025))
	wantCode(t, err, ots.CodeParameterInvalid)
	if got := scanRows(t, c, "players", "id", "seq"); len(got) != 0 {
		t.Errorf("refused writes stored %v", got)
	}
}

// TestIndexMatchesTableUnderConcurrentWrites: clients race puts, updates
// of the index columns, deletes and batches on shared rows; afterwards the
// index holds exactly the rows derived from the table.
func TestIndexMatchesTableUnderConcurrentWrites(t *testing.T) {
	srv, c := start(t, ots.Config{Dir: t.TempDir()})
	createIndexedTable(t, c, true)
	jobs := []string{"mage", "tank", "bard"}
	runClients(t, srv, ackClients, func(w int, c *tablestore.TableStoreClient) error {
		r := rand.New(rand.NewPCG(uint64(w), 1))
		for i := range ackEach * 2 {
			key := pk("id", fmt.Sprint("p", r.IntN(6)), "seq", int64(r.IntN(2)))
			job := jobs[r.IntN(len(jobs))]
			var err error
			switch r.IntN(5) {
			case 0:
				err = put(c, "players", key, tablestore.RowExistenceExpectation_IGNORE, nil, "job", job, "name", fmt.Sprint(w, "-", i))
			case 1:
				up := &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key}
				up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				up.PutColumn("job", job)
				up.IncrementColumn("level", 1)
				_, err = c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
			case 2:
				up := &tablestore.UpdateRowChange{TableName: "players", PrimaryKey: key}
				up.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				up.DeleteColumn("job")
				up.PutColumn("name", "jobless")
				_, err = c.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: up})
			case 3:
				del := &tablestore.DeleteRowChange{TableName: "players", PrimaryKey: key}
				del.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
				_, err = c.DeleteRow(&tablestore.DeleteRowRequest{DeleteRowChange: del})
			case 4:
				batch := &tablestore.BatchWriteRowRequest{}
				for j := range 3 {
					p := &tablestore.PutRowChange{TableName: "players", PrimaryKey: pk("id", fmt.Sprint("p", j*2+r.IntN(2)), "seq", int64(2+w))}
					p.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
					p.AddColumn("job", jobs[j])
					batch.AddRowChange(p)
				}
				var resp *tablestore.BatchWriteRowResponse
				if resp, err = c.BatchWriteRow(batch); err == nil {
					for _, row := range resp.TableToRowsResult["players"] {
						if !row.IsSucceed {
							err = fmt.Errorf("batch row %d: %s", row.Index, row.Error.Message)
						}
					}
				}
			}
			if err != nil {
				return fmt.Errorf("client %d step %d: %w", w, i, err)
			}
		}
		return nil
	})
	sameRows(t, "index after concurrent writes", scanRows(t, c, "by_job", "job", "id", "seq"), expectedByJob(t, c))
}
