package store

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// Limits of the service on secondary indexes.
const (
	maxIndexes       = 5  // per table
	maxIndexColumns  = 4  // index columns of one index
	maxDefinedCols   = 32 // defined columns of a table
	maxIndexAttrCols = 32 // attribute columns of one index
)

// An Index is a global secondary index of a Table[T]: a read-only copy of
// the table's rows, keyed by other columns, that Tablestore keeps in line
// as the table is written. Its methods are safe for concurrent use.
type Index[T any] struct {
	t     *Table[T]
	name  string
	cols  []string // the index columns, in order
	attrs []string // the attribute columns it carries: T's others
	ks    keyspace // the index table: its key, and T's columns it carries
	keys  keyspace // the index table, fetching only the key (Lookup)
}

// NewIndex returns the global secondary index name of table t whose index
// columns are columns, in order: 1 to 4 columns of T named by column or
// Go field name, each STRING, INTEGER or BINARY, primary-key or
// attribute columns. The index's primary key is its index columns, then
// t's primary-key columns not among them in t's order, and a Range on
// the index holds values of that key:
//
//	byJob, err := store.NewIndex(players, "players_by_job", "Job") // key (Job, id)
//	for p, err := range byJob.Scan(ctx, store.Prefix("mage")) {
//
// The index carries T's other attribute columns, so that Scan yields
// whole rows; Ensure creates it so. A row is in the index only when it
// has every index column: one without (an omitempty field at its zero
// value, a removed column) is left out. NewIndex makes no request: Ensure
// creates the index with its table, or the deployment does.
func NewIndex[T any](t *Table[T], name string, columns ...string) (*Index[T], error) {
	fail := func(format string, args ...any) (*Index[T], error) {
		return nil, fmt.Errorf("tablestore: index %q of table %q: %s", name, t.name, fmt.Sprintf(format, args...))
	}
	switch {
	case !validName(name):
		return fail("invalid name: it must match [A-Za-z_][A-Za-z0-9_]* and be 1 to 255 bytes")
	case name == t.name:
		return fail("an index cannot have its table's name")
	case len(columns) == 0 || len(columns) > maxIndexColumns:
		return fail("%d index columns, want 1 to %d", len(columns), maxIndexColumns)
	}
	x := &Index[T]{t: t, name: name}
	var key []rowtype.Column
	for i, name := range columns {
		c, ok := t.s.Lookup(name)
		switch {
		case !ok:
			return fail("%s has no column or field %q", t.s.Type, name)
		case slices.Contains(x.cols, c.Name):
			return fail("column %q is listed twice", c.Name)
		case c.Kind != rowtype.String && c.Kind != rowtype.Integer && c.Kind != rowtype.Binary:
			f := t.s.Type.FieldByIndex(c.Index)
			return fail("column %q (field %s %s) is %s; index columns are STRING, INTEGER or BINARY", c.Name, f.Name, f.Type, c.Kind)
		case i == 0 && c.AutoInc:
			return fail("the first index column cannot be the autoincrement column %q", c.Name)
		}
		x.cols = append(x.cols, c.Name)
		key = append(key, *c)
	}
	for _, c := range t.s.PK {
		if !slices.Contains(x.cols, c.Name) {
			key = append(key, c)
		}
	}
	for _, c := range t.s.Attrs {
		if !slices.Contains(x.cols, c.Name) {
			x.attrs = append(x.attrs, c.Name)
		}
	}
	cols := x.attrs
	if len(cols) == 0 { // an index of key columns alone
		cols = []string{key[0].Name}
	}
	x.ks = keyspace{table: t.name, index: name, key: key, cols: cols}
	x.keys = keyspace{table: t.name, index: name, key: key, cols: []string{key[0].Name}}
	return x, nil
}

// Name is the index's name, the name of its index table.
func (x *Index[T]) Name() string { return x.name }

// Scan iterates over the rows of r in the index's order: by the index
// columns, then by the table's primary key. Each row is read from the
// index table and holds the columns the index has: its index columns,
// the primary key and the attribute columns it carries. Fields of columns
// it does not carry (an index created elsewhere with fewer columns) are
// zero; Lookup reads them from the table. Scan reads a page at a time
// and stops at the first error, which it yields.
//
// On the cloud a global index is updated asynchronously, usually within
// milliseconds of the write: a read through an index right after a write
// may not see it yet, and may still see the row as it was. The local
// Tablestore updates an index in the same commit as its row.
func (x *Index[T]) Scan(ctx context.Context, r Range) iter.Seq2[T, error] {
	return x.t.scan(ctx, &x.ks, r)
}

// First returns the first row of r in the index, as Scan reads it; ok is
// false when there is none. When the index columns are unique it is the
// row holding them: byEmail.First(ctx, store.Prefix(email)).
func (x *Index[T]) First(ctx context.Context, r Range) (v T, ok bool, err error) {
	r.Limit = 1
	for v, err := range x.Scan(ctx, r) {
		return v, err == nil, err
	}
	return v, false, nil
}

// Lookup iterates over the rows of r in the index's order, as Scan, but
// reads each row from the table by the primary key the index holds (a
// BatchGetRow per 100 rows), so that it has all of T's columns, those the
// index does not carry too, as the table holds them now. A row gone from
// the table, or whose index columns no longer hold the values the index
// had, is skipped: with the cloud's asynchronous updates the index can
// lag its table, and Lookup yields only rows that are where the index put
// them. r.Limit counts the index's rows, skipped ones included.
func (x *Index[T]) Lookup(ctx context.Context, r Range) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		err := x.t.db.pages(ctx, &x.keys, r, func(rows []*tablestore.Row) bool {
			for len(rows) > 0 {
				n := min(len(rows), maxBatchGet)
				if !x.lookup(ctx, rows[:n], yield) {
					return false
				}
				rows = rows[n:]
			}
			return true
		})
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// lookup reads the table rows of index rows entries with one BatchGetRow
// and yields those still current. It returns false once done yielding.
func (x *Index[T]) lookup(ctx context.Context, entries []*tablestore.Row, yield func(T, error) bool) bool {
	var zero T
	t := x.t
	crit := &tablestore.MultiRowQueryCriteria{TableName: t.name, MaxVersion: 1, ColumnsToGet: t.ks.cols}
	for _, e := range entries {
		pk, err := x.tableKey(e)
		if err != nil {
			yield(zero, err)
			return false
		}
		crit.AddRow(pk)
	}
	client, err := t.db.client(ctx)
	if err != nil {
		yield(zero, err)
		return false
	}
	resp, err := client.BatchGetRow(&tablestore.BatchGetRowRequest{MultiRowQueryCriteria: []*tablestore.MultiRowQueryCriteria{crit}})
	if err != nil {
		yield(zero, t.ks.serviceError(err))
		return false
	}
	results := resp.TableToRowsResult[t.name]
	if len(results) != len(entries) {
		yield(zero, fmt.Errorf("tablestore: table %q: BatchGetRow answered %d rows for %d", t.name, len(results), len(entries)))
		return false
	}
	for i := range results {
		res := &results[i]
		if !res.IsSucceed {
			yield(zero, &Error{Code: res.Error.Code, Message: res.Error.Message, Table: t.name})
			return false
		}
		if len(res.PrimaryKey.PrimaryKeys) == 0 || !x.current(entries[i], res.Columns) {
			continue
		}
		var v T
		err := t.decode(&t.ks, &v, &tablestore.Row{PrimaryKey: &res.PrimaryKey, Columns: res.Columns})
		if !yield(v, err) || err != nil {
			return false
		}
	}
	return true
}

// tableKey is the table's primary key of the index row e.
func (x *Index[T]) tableKey(e *tablestore.Row) (*tablestore.PrimaryKey, error) {
	pk := new(tablestore.PrimaryKey)
	for _, c := range x.t.s.PK {
		v, ok := keyValue(e.PrimaryKey, c.Name)
		if !ok {
			return nil, fmt.Errorf("tablestore: %s: an index row lacks primary-key column %q", &x.ks, c.Name)
		}
		pk.AddPrimaryKeyColumn(c.Name, v)
	}
	return pk, nil
}

// current reports whether a table row's columns still hold the values of
// the index columns of its index row e. Primary-key columns cannot change.
func (x *Index[T]) current(e *tablestore.Row, cols []*tablestore.AttributeColumn) bool {
	for _, name := range x.cols {
		if _, attr := x.t.s.Attr(name); !attr {
			continue
		}
		want, _ := keyValue(e.PrimaryKey, name)
		i := slices.IndexFunc(cols, func(c *tablestore.AttributeColumn) bool { return c.ColumnName == name })
		if i < 0 || !sameValue(cols[i].Value, want) {
			return false
		}
	}
	return true
}

func keyValue(pk *tablestore.PrimaryKey, name string) (any, bool) {
	for _, c := range pk.PrimaryKeys {
		if c.ColumnName == name {
			return c.Value, true
		}
	}
	return nil, false
}

// sameValue compares SDK values: int64, string, []byte, bool, float64.
func sameValue(a, b any) bool {
	if a, ok := a.([]byte); ok {
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	}
	return a == b
}

// indexMeta is the SDK description Ensure creates the index with.
func (x *Index[T]) indexMeta() *tablestore.IndexMeta {
	m := &tablestore.IndexMeta{IndexName: x.name}
	for _, c := range x.cols {
		m.AddPrimaryKeyColumn(c)
	}
	for _, c := range x.attrs {
		m.AddDefinedColumn(c)
	}
	return m
}
