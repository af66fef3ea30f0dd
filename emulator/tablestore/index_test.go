package tablestore_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/tablestore"
)

// createIndexedTable creates table players (id, then seq), with defined
// columns job, level, name and score and, when withIndex, the index
// by_job (job; carrying level and name).
func createIndexedTable(t testing.TB, c *ots.TableStoreClient, withIndex bool) {
	t.Helper()
	meta := &ots.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", ots.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("seq", ots.PrimaryKeyType_INTEGER)
	meta.AddDefinedColumn("job", ots.DefinedColumn_STRING)
	meta.AddDefinedColumn("level", ots.DefinedColumn_INTEGER)
	meta.AddDefinedColumn("name", ots.DefinedColumn_STRING)
	meta.AddDefinedColumn("score", ots.DefinedColumn_DOUBLE)
	req := &ots.CreateTableRequest{TableMeta: meta, TableOption: &ots.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &ots.ReservedThroughput{}}
	if withIndex {
		req.AddIndexMeta(byJob())
	}
	if _, err := c.CreateTable(req); err != nil {
		t.Fatalf("CreateTable with an index: %v", err)
	}
}

func byJob() *ots.IndexMeta {
	ix := &ots.IndexMeta{IndexName: "by_job"}
	ix.AddPrimaryKeyColumn("job")
	ix.AddDefinedColumn("level")
	ix.AddDefinedColumn("name")
	return ix
}

// indexRow is a row of a scan: its primary key and columns, printed.
type indexRow struct{ pk, cols string }

// scanRows reads every row of table (an index table too), page by page.
func scanRows(t *testing.T, c *ots.TableStoreClient, table string, pkNames ...string) []indexRow {
	t.Helper()
	start, end := new(ots.PrimaryKey), new(ots.PrimaryKey)
	for _, n := range pkNames {
		start.AddPrimaryKeyColumnWithMinValue(n)
		end.AddPrimaryKeyColumnWithMaxValue(n)
	}
	var out []indexRow
	for start != nil {
		resp, err := c.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: &ots.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, Direction: ots.FORWARD, MaxVersion: 1, Limit: 7,
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

func printRow(pk []*ots.PrimaryKeyColumn, cols []*ots.AttributeColumn) indexRow {
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
func expectedByJob(t *testing.T, c *ots.TableStoreClient) []indexRow {
	t.Helper()
	start, end := new(ots.PrimaryKey), new(ots.PrimaryKey)
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
		resp, err := c.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: &ots.RangeRowQueryCriteria{
			TableName: "players", StartPrimaryKey: start, EndPrimaryKey: end, Direction: ots.FORWARD, MaxVersion: 1,
		}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Rows {
			var job *ots.AttributeColumn
			var carried []*ots.AttributeColumn
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
			pk := append([]*ots.PrimaryKeyColumn{{ColumnName: "job", Value: job.Value}}, r.PrimaryKey.PrimaryKeys...)
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
	_, c := start(t, tablestore.Config{Dir: t.TempDir()})
	createIndexedTable(t, c, true)
	key := func(id string, seq int64) *ots.PrimaryKey { return pk("id", id, "seq", seq) }

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
	up := &ots.UpdateRowChange{TableName: "players", PrimaryKey: key("b", 1)}
	up.SetCondition(ots.RowExistenceExpectation_EXPECT_EXIST)
	up.PutColumn("job", "healer")
	up.IncrementColumn("level", 1)
	if _, err := c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	up = &ots.UpdateRowChange{TableName: "players", PrimaryKey: key("c", 1)}
	up.SetCondition(ots.RowExistenceExpectation_IGNORE)
	up.PutColumn("job", "tank")
	if _, err := c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	up = &ots.UpdateRowChange{TableName: "players", PrimaryKey: key("d", 2)}
	up.SetCondition(ots.RowExistenceExpectation_IGNORE)
	up.DeleteColumn("job")
	if _, err := c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	// DeleteRow, and a BatchWriteRow mixing the three kinds.
	del := &ots.DeleteRowChange{TableName: "players", PrimaryKey: key("a", 1)}
	del.SetCondition(ots.RowExistenceExpectation_IGNORE)
	if _, err := c.DeleteRow(&ots.DeleteRowRequest{DeleteRowChange: del}); err != nil {
		t.Fatal(err)
	}
	batch := &ots.BatchWriteRowRequest{}
	put := &ots.PutRowChange{TableName: "players", PrimaryKey: key("e", 1)}
	put.SetCondition(ots.RowExistenceExpectation_IGNORE)
	put.AddColumn("job", "mage")
	put.AddColumn("name", "eve")
	batch.AddRowChange(put)
	up = &ots.UpdateRowChange{TableName: "players", PrimaryKey: key("c", 1)}
	up.SetCondition(ots.RowExistenceExpectation_IGNORE)
	up.PutColumn("name", "cathy")
	batch.AddRowChange(up)
	del = &ots.DeleteRowChange{TableName: "players", PrimaryKey: key("b", 1)}
	del.SetCondition(ots.RowExistenceExpectation_IGNORE)
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
	tx, err := c.StartLocalTransaction(&ots.StartLocalTransactionRequest{TableName: "players", PrimaryKey: pk("id", "e")})
	if err != nil {
		t.Fatal(err)
	}
	up = &ots.UpdateRowChange{TableName: "players", PrimaryKey: key("e", 1), TransactionId: tx.TransactionId}
	up.SetCondition(ots.RowExistenceExpectation_EXPECT_EXIST)
	up.PutColumn("job", "rogue")
	if _, err := c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "during the transaction", scanRows(t, c, "by_job", "job", "id", "seq"), want)
	if _, err := c.CommitTransaction(&ots.CommitTransactionRequest{TransactionId: tx.TransactionId}); err != nil {
		t.Fatal(err)
	}
	want = []indexRow{
		{"job=rogue,id=e,seq=1", "name=eve"},
		{"job=tank,id=c,seq=1", "name=cathy"},
	}
	sameRows(t, "after the commit", scanRows(t, c, "by_job", "job", "id", "seq"), want)
	sameRows(t, "derived from the table", expectedByJob(t, c), want)

	// GetRow and BatchGetRow read the index by its whole key.
	got, err := c.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{TableName: "by_job", PrimaryKey: pk("job", "tank", "id", "c", "seq", int64(1)), MaxVersion: 1}})
	if err != nil || printRow(got.PrimaryKey.PrimaryKeys, got.Columns) != want[1] {
		t.Errorf("GetRow on the index = %+v, %v", got, err)
	}
	bg := &ots.BatchGetRowRequest{MultiRowQueryCriteria: []*ots.MultiRowQueryCriteria{{TableName: "by_job", MaxVersion: 1}}}
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
	srv, c := start(t, tablestore.Config{Dir: dir})
	createIndexedTable(t, c, true)
	putRow(t, c, "players", pk("id", "a", "seq", int64(1)), "job", "mage", "name", "ann")
	srv.Close()

	srv, c = start(t, tablestore.Config{Dir: dir})
	putRow(t, c, "players", pk("id", "b", "seq", int64(1)), "job", "bard")
	up := &ots.UpdateRowChange{TableName: "players", PrimaryKey: pk("id", "a", "seq", int64(1))}
	up.SetCondition(ots.RowExistenceExpectation_IGNORE)
	up.PutColumn("job", "sage")
	if _, err := c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up}); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "after a restart", scanRows(t, c, "by_job", "job", "id", "seq"), []indexRow{
		{"job=bard,id=b,seq=1", ""},
		{"job=sage,id=a,seq=1", "name=ann"},
	})
	d, err := c.DescribeTable(&ots.DescribeTableRequest{TableName: "players"})
	if err != nil || len(d.IndexMetas) != 1 || d.IndexMetas[0].IndexName != "by_job" {
		t.Fatalf("DescribeTable after a restart = %+v, %v", d, err)
	}
}

func TestCreateAndDeleteIndex(t *testing.T) {
	_, c := start(t, tablestore.Config{})
	createIndexedTable(t, c, false)
	putRow(t, c, "players", pk("id", "a", "seq", int64(1)), "job", "mage", "level", int64(2), "name", "ann")
	putRow(t, c, "players", pk("id", "b", "seq", int64(1)), "level", int64(4))

	// With base data, the index is built from the rows already there.
	if _, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: byJob(), IncludeBaseData: true}); err != nil {
		t.Fatalf("CreateIndex: %v", err)
	}
	sameRows(t, "built from base data", scanRows(t, c, "by_job", "job", "id", "seq"), []indexRow{{"job=mage,id=a,seq=1", "level=2,name=ann"}})

	// Without, it holds the rows written after it only.
	byLevel := &ots.IndexMeta{IndexName: "by_level"}
	byLevel.AddPrimaryKeyColumn("level")
	byLevel.AddPrimaryKeyColumn("seq")
	if _, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: byLevel}); err != nil {
		t.Fatalf("CreateIndex without base data: %v", err)
	}
	if got := scanRows(t, c, "by_level", "level", "seq", "id"); len(got) != 0 {
		t.Errorf("an index created without base data holds %v", got)
	}
	putRow(t, c, "players", pk("id", "c", "seq", int64(9)), "level", int64(1))
	sameRows(t, "by_level", scanRows(t, c, "by_level", "level", "seq", "id"), []indexRow{{"level=1,seq=9,id=c", ""}})

	d, err := c.DescribeTable(&ots.DescribeTableRequest{TableName: "players"})
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

	if _, err := c.DeleteIndex(&ots.DeleteIndexRequest{MainTableName: "players", IndexName: "by_level"}); err != nil {
		t.Fatalf("DeleteIndex: %v", err)
	}
	_, err = c.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: rangeAll("by_level", "level", "seq", "id")})
	wantCode(t, err, tablestore.CodeObjectNotExist)
	_, err = c.DeleteIndex(&ots.DeleteIndexRequest{MainTableName: "players", IndexName: "by_level"})
	wantCode(t, err, tablestore.CodeObjectNotExist)

	// A new index of the same name starts empty.
	if _, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: byLevel}); err != nil {
		t.Fatal(err)
	}
	if got := scanRows(t, c, "by_level", "level", "seq", "id"); len(got) != 0 {
		t.Errorf("a re-created index holds %v", got)
	}

	// Deleting the table deletes its indexes.
	_, err = c.DeleteTable(&ots.DeleteTableRequest{TableName: "by_job"})
	wantCode(t, err, tablestore.CodeParameterInvalid)
	if _, err := c.DeleteTable(&ots.DeleteTableRequest{TableName: "players"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: rangeAll("by_job", "job", "id", "seq")})
	wantCode(t, err, tablestore.CodeObjectNotExist)
	createIndexedTable(t, c, true)
	if got := scanRows(t, c, "by_job", "job", "id", "seq"); len(got) != 0 {
		t.Errorf("the index of a re-created table holds %v", got)
	}
}

func rangeAll(table string, pkNames ...string) *ots.RangeRowQueryCriteria {
	start, end := new(ots.PrimaryKey), new(ots.PrimaryKey)
	for _, n := range pkNames {
		start.AddPrimaryKeyColumnWithMinValue(n)
		end.AddPrimaryKeyColumnWithMaxValue(n)
	}
	return &ots.RangeRowQueryCriteria{TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, Direction: ots.FORWARD, MaxVersion: 1}
}

func TestBadIndexes(t *testing.T) {
	_, c := start(t, tablestore.Config{MaxTables: 8})
	createIndexedTable(t, c, true)
	index := func(name string, keys []string, attrs ...string) *ots.IndexMeta {
		return &ots.IndexMeta{IndexName: name, Primarykey: keys, DefinedColumns: attrs}
	}
	cases := []struct {
		name string
		meta *ots.IndexMeta
		code string
		msg  string
	}{
		{"unknown index column", index("i1", []string{"nope"}), tablestore.CodeParameterInvalid, "nope"},
		{"double index column", index("i1", []string{"score"}), tablestore.CodeParameterInvalid, "score"},
		{"no index column", index("i1", nil), tablestore.CodeParameterInvalid, "index columns"},
		{"five index columns", index("i1", []string{"job", "level", "name", "id", "seq"}), tablestore.CodeParameterInvalid, "index columns"},
		{"column twice", index("i1", []string{"job", "job"}), tablestore.CodeParameterInvalid, "twice"},
		{"attribute also a key", index("i1", []string{"job"}, "job"), tablestore.CodeParameterInvalid, "twice"},
		{"attribute not defined", index("i1", []string{"job"}, "other"), tablestore.CodeParameterInvalid, "other"},
		{"bad name", index("1st", []string{"job"}), tablestore.CodeParameterInvalid, "1st"},
		{"name of a table", index("players", []string{"job"}), tablestore.CodeObjectAlreadyExist, "players"},
		{"name of an index", index("by_job", []string{"level"}), tablestore.CodeObjectAlreadyExist, "by_job"},
	}
	for _, tc := range cases {
		_, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: tc.meta})
		if otsCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %s mentioning %q", tc.name, err, tc.code, tc.msg)
		}
	}
	_, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "nope", IndexMeta: index("i1", []string{"job"})})
	wantCode(t, err, tablestore.CodeObjectNotExist)

	// An AUTO_INCREMENT column cannot lead an index; a table has at most 32
	// defined columns.
	meta := &ots.TableMeta{TableName: "auto"}
	meta.AddPrimaryKeyColumn("id", ots.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumnOption("n", ots.PrimaryKeyType_INTEGER, ots.AUTO_INCREMENT)
	meta.AddDefinedColumn("job", ots.DefinedColumn_STRING)
	req := &ots.CreateTableRequest{TableMeta: meta, TableOption: &ots.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &ots.ReservedThroughput{}}
	req.AddIndexMeta(index("auto_by_n", []string{"n", "job"}))
	_, err = c.CreateTable(req)
	if otsCode(err) != tablestore.CodeParameterInvalid || !strings.Contains(err.Error(), "AUTO_INCREMENT") {
		t.Errorf("an index led by an AUTO_INCREMENT column: %v", err)
	}
	req.IndexMetas = []*ots.IndexMeta{index("auto_by_job", []string{"job", "n"})}
	for i := range 32 {
		meta.AddDefinedColumn(fmt.Sprint("c", i), ots.DefinedColumn_INTEGER)
	}
	_, err = c.CreateTable(req)
	if otsCode(err) != tablestore.CodeParameterInvalid || !strings.Contains(err.Error(), "defined columns") {
		t.Errorf("33 defined columns: %v", err)
	}

	// A table with indexes keeps one version forever, and has at most five.
	for _, opt := range []*ots.TableOption{{TimeToAlive: -1, MaxVersion: 2}, {TimeToAlive: 86400, MaxVersion: 1}} {
		meta := &ots.TableMeta{TableName: "versions"}
		meta.AddPrimaryKeyColumn("id", ots.PrimaryKeyType_STRING)
		meta.AddDefinedColumn("job", ots.DefinedColumn_STRING)
		req := &ots.CreateTableRequest{TableMeta: meta, TableOption: opt, ReservedThroughput: &ots.ReservedThroughput{}}
		req.AddIndexMeta(index("v_by_job", []string{"job"}))
		_, err := c.CreateTable(req)
		wantCode(t, err, tablestore.CodeParameterInvalid)
		_, err = c.UpdateTable(&ots.UpdateTableRequest{TableName: "players", TableOption: opt})
		wantCode(t, err, tablestore.CodeParameterInvalid)
	}
	if _, err := c.ListTable(); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		if _, err := c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: index(fmt.Sprint("i", i), []string{"level"})}); err != nil {
			t.Fatalf("index %d: %v", i, err)
		}
	}
	_, err = c.CreateIndex(&ots.CreateIndexRequest{MainTableName: "players", IndexMeta: index("i6", []string{"level"})})
	wantCode(t, err, tablestore.CodeQuotaExhausted)

	// Index tables only take reads.
	err = put(c, "by_job", pk("job", "x", "id", "a", "seq", int64(1)), ots.RowExistenceExpectation_IGNORE, nil, "name", "x")
	wantCode(t, err, tablestore.CodeParameterInvalid)
	batch := &ots.BatchWriteRowRequest{}
	bp := &ots.PutRowChange{TableName: "by_job", PrimaryKey: pk("job", "x", "id", "a", "seq", int64(1))}
	bp.SetCondition(ots.RowExistenceExpectation_IGNORE)
	bp.AddColumn("name", "x")
	batch.AddRowChange(bp)
	resp, err := c.BatchWriteRow(batch)
	if err != nil || resp.TableToRowsResult["by_job"][0].IsSucceed {
		t.Errorf("BatchWriteRow to an index table: %+v, %v", resp, err)
	}
	_, err = c.StartLocalTransaction(&ots.StartLocalTransactionRequest{TableName: "by_job", PrimaryKey: pk("job", "x")})
	wantCode(t, err, tablestore.CodeParameterInvalid)
	_, err = c.UpdateTable(&ots.UpdateTableRequest{TableName: "by_job", TableOption: &ots.TableOption{TimeToAlive: -1, MaxVersion: 1}})
	wantCode(t, err, tablestore.CodeParameterInvalid)

	// A defined column an index uses takes its type only.
	err = put(c, "players", pk("id", "a", "seq", int64(1)), ots.RowExistenceExpectation_IGNORE, nil, "job", int64(7))
	wantCode(t, err, tablestore.CodeParameterInvalid)
	err = put(c, "players", pk("id", "a", "seq", int64(1)), ots.RowExistenceExpectation_IGNORE, nil, "job", strings.Repeat("j", 1025))
	wantCode(t, err, tablestore.CodeParameterInvalid)
	if got := scanRows(t, c, "players", "id", "seq"); len(got) != 0 {
		t.Errorf("refused writes stored %v", got)
	}
}

// TestIndexMatchesTableUnderConcurrentWrites: clients race puts, updates
// of the index columns, deletes and batches on shared rows; afterwards the
// index holds exactly the rows derived from the table.
func TestIndexMatchesTableUnderConcurrentWrites(t *testing.T) {
	srv, c := start(t, tablestore.Config{Dir: t.TempDir()})
	createIndexedTable(t, c, true)
	jobs := []string{"mage", "tank", "bard"}
	runClients(t, srv, ackClients, func(w int, c *ots.TableStoreClient) error {
		r := rand.New(rand.NewPCG(uint64(w), 1))
		for i := range ackEach * 2 {
			key := pk("id", fmt.Sprint("p", r.IntN(6)), "seq", int64(r.IntN(2)))
			job := jobs[r.IntN(len(jobs))]
			var err error
			switch r.IntN(5) {
			case 0:
				err = put(c, "players", key, ots.RowExistenceExpectation_IGNORE, nil, "job", job, "name", fmt.Sprint(w, "-", i))
			case 1:
				up := &ots.UpdateRowChange{TableName: "players", PrimaryKey: key}
				up.SetCondition(ots.RowExistenceExpectation_IGNORE)
				up.PutColumn("job", job)
				up.IncrementColumn("level", 1)
				_, err = c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up})
			case 2:
				up := &ots.UpdateRowChange{TableName: "players", PrimaryKey: key}
				up.SetCondition(ots.RowExistenceExpectation_IGNORE)
				up.DeleteColumn("job")
				up.PutColumn("name", "jobless")
				_, err = c.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: up})
			case 3:
				del := &ots.DeleteRowChange{TableName: "players", PrimaryKey: key}
				del.SetCondition(ots.RowExistenceExpectation_IGNORE)
				_, err = c.DeleteRow(&ots.DeleteRowRequest{DeleteRowChange: del})
			case 4:
				batch := &ots.BatchWriteRowRequest{}
				for j := range 3 {
					p := &ots.PutRowChange{TableName: "players", PrimaryKey: pk("id", fmt.Sprint("p", j*2+r.IntN(2)), "seq", int64(2+w))}
					p.SetCondition(ots.RowExistenceExpectation_IGNORE)
					p.AddColumn("job", jobs[j])
					batch.AddRowChange(p)
				}
				var resp *ots.BatchWriteRowResponse
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
