package store

import (
	"context"
	"fmt"
	"iter"
	"reflect"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// maxPageRows is the most rows one GetRange returns.
const maxPageRows = 5000

// keyspace is what a read addresses: a table, or an index table of it.
type keyspace struct {
	table string           // the data table
	index string           // the index table read; "" when reading the data table
	key   []rowtype.Column // the primary key of what is read, in order
	cols  []string         // the columns reads fetch
}

// name is the table the requests name.
func (ks *keyspace) name() string {
	if ks.index != "" {
		return ks.index
	}
	return ks.table
}

// String names ks for errors: table "t", or index "i" of table "t".
func (ks *keyspace) String() string {
	if ks.index != "" {
		return fmt.Sprintf("index %q of table %q", ks.index, ks.table)
	}
	return fmt.Sprintf("table %q", ks.table)
}

// serviceError is serviceError naming the index read, if any.
func (ks *keyspace) serviceError(err error) error {
	return serviceErrorOn(ks.table, ks.index, err)
}

// Get reads the row whose primary key key holds. ok is false when there is
// none.
//
// Inside an invocation of an App with fn.WithCommitter(db), Get sees the
// invocation's writes not yet committed: the row as Tablestore has it,
// with the invocation's writes to it applied in order, as if each
// applied. A write the handler of a message made before it failed is seen
// too, and so the messages that saw it fail at commit, as do those that
// saw a write that then fails: what they did may rest on a change that
// never happened. Get returns the row as committed when the invocation
// has no write to it. Scan and the reads through an Index see only what
// is committed.
func (t *Table[T]) Get(ctx context.Context, key T) (v T, ok bool, err error) {
	return t.getKey(ctx, primaryKey(t.s, reflect.ValueOf(key), false))
}

func (t *Table[T]) getKey(ctx context.Context, pk *tablestore.PrimaryKey) (v T, ok bool, err error) {
	var eff effect
	pending := false
	if c := collectorFrom(ctx); c != nil {
		m, _ := fn.MessageFromContext(ctx)
		eff, pending = c.pendingFor(m, rowID(t.name, pk))
	}
	row, err := t.db.getRow(ctx, &t.ks, pk)
	if err != nil {
		return v, false, err
	}
	if pending {
		row = eff.overlay(row, pk, t.ks.cols, len(t.s.Attrs) > 0)
	}
	if row == nil {
		return v, false, nil
	}
	err = t.decode(&t.ks, &v, row)
	return v, err == nil, err
}

// getRow reads one row of ks; nil when there is none.
func (db *DB) getRow(ctx context.Context, ks *keyspace, pk *tablestore.PrimaryKey) (*tablestore.Row, error) {
	client, err := db.client(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: ks.name(), PrimaryKey: pk, MaxVersion: 1, ColumnsToGet: ks.cols,
	}})
	if err != nil {
		return nil, ks.serviceError(err)
	}
	if len(resp.PrimaryKey.PrimaryKeys) == 0 {
		return nil, nil
	}
	return &tablestore.Row{PrimaryKey: &resp.PrimaryKey, Columns: resp.Columns}, nil
}

// readColumns is what reads of s's rows fetch: the type's columns, never
// markers. A type with no attribute columns fetches its primary key.
func readColumns(s *rowtype.Schema) []string {
	if len(s.Names) > 0 {
		return s.Names
	}
	return []string{s.PK[0].Name}
}

// decode fills v from a row read from ks. Primary-key columns of an index
// table map to the type's primary-key or attribute fields by name.
func (t *Table[T]) decode(ks *keyspace, v *T, row *tablestore.Row) error {
	rv := reflect.ValueOf(v).Elem()
	for _, c := range row.PrimaryKey.PrimaryKeys {
		if col, ok := t.s.Column(c.ColumnName); ok {
			if err := col.Set(rv, c.Value); err != nil {
				return fmt.Errorf("tablestore: %s: %w", ks, err)
			}
		}
	}
	for _, c := range row.Columns {
		if col, ok := t.s.Attr(c.ColumnName); ok {
			if err := col.Set(rv, c.Value); err != nil {
				return fmt.Errorf("tablestore: %s: %w", ks, err)
			}
		}
	}
	return nil
}

// Range selects rows for Scan by primary-key prefixes: Start and End hold
// values of the first primary-key columns, in order, and both ends are
// inclusive. Missing columns at the end of Start mean the lowest values,
// at the end of End the highest, so Range{Start: []any{"u1"}, End:
// []any{"u1"}} (or Prefix("u1")) is every row of partition "u1", and
// Range{} the whole table. On an index the primary key is the index's
// (see NewIndex).
type Range struct {
	Start, End []any
	Reverse    bool // from End down to Start
	Limit      int  // rows in all; 0: no limit
}

// Prefix is the Range of the rows whose first primary-key columns hold
// vals: Range{Start: vals, End: vals}.
func Prefix(vals ...any) Range { return Range{Start: vals, End: vals} }

// Scan iterates over the rows of r in primary-key order, reading them a
// page at a time. It stops at the first error, which it yields.
func (t *Table[T]) Scan(ctx context.Context, r Range) iter.Seq2[T, error] {
	return t.scan(ctx, &t.ks, r)
}

// scan iterates over the rows of r in ks, decoded.
func (t *Table[T]) scan(ctx context.Context, ks *keyspace, r Range) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		err := t.db.pages(ctx, ks, r, func(rows []*tablestore.Row) bool {
			for _, row := range rows {
				var v T
				err := t.decode(ks, &v, row)
				if !yield(v, err) || err != nil {
					return false
				}
			}
			return true
		})
		if err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// pages reads the rows of r in ks a GetRange page at a time, passing each
// page to page until it returns false. It returns the first error of a
// request; errors page meets are page's to report.
func (db *DB) pages(ctx context.Context, ks *keyspace, r Range, page func([]*tablestore.Row) bool) error {
	lo, err := ks.bound(r.Start, false)
	if err != nil {
		return err
	}
	hi, err := ks.bound(r.End, true)
	if err != nil {
		return err
	}
	// GetRange's start is inclusive and its end exclusive: a full key at
	// the exclusive end is read on its own, last.
	start, end, last := lo, hi, hi
	dir := tablestore.FORWARD
	if r.Reverse {
		start, end, last = hi, lo, lo
		dir = tablestore.BACKWARD
	}
	if !full(last) {
		last = nil
	}
	n := 0
	for start != nil && (r.Limit == 0 || n < r.Limit) {
		client, err := db.client(ctx)
		if err != nil {
			return err
		}
		crit := &tablestore.RangeRowQueryCriteria{TableName: ks.name(), StartPrimaryKey: start, EndPrimaryKey: end,
			MaxVersion: 1, Direction: dir, ColumnsToGet: ks.cols}
		if r.Limit > 0 {
			crit.Limit = int32(min(r.Limit-n, maxPageRows))
		}
		resp, err := client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			return ks.serviceError(err)
		}
		rows := resp.Rows
		if r.Limit > 0 && len(rows) > r.Limit-n {
			rows = rows[:r.Limit-n]
		}
		n += len(rows)
		if len(rows) > 0 && !page(rows) {
			return nil
		}
		start = resp.NextStartPrimaryKey
	}
	if last != nil && (r.Limit == 0 || n < r.Limit) {
		row, err := db.getRow(ctx, ks, last)
		if err != nil {
			return err
		}
		if row != nil {
			page([]*tablestore.Row{row})
		}
	}
	return nil
}

// bound is the primary key of one end of a range: the values given, then
// INF_MIN (low) or INF_MAX for the rest.
func (ks *keyspace) bound(vals []any, high bool) (*tablestore.PrimaryKey, error) {
	if len(vals) > len(ks.key) {
		return nil, fmt.Errorf("tablestore: range of %s: %d values for %d primary-key columns", ks, len(vals), len(ks.key))
	}
	pk := new(tablestore.PrimaryKey)
	for i, c := range ks.key {
		switch {
		case i < len(vals):
			v, err := sdkValue(c.Name, vals[i])
			if err != nil {
				return nil, err
			}
			if k, _ := rowtype.KindOf(reflect.TypeOf(v)); k != c.Kind {
				return nil, fmt.Errorf("tablestore: range of %s: column %q is %s, the range gives %T", ks, c.Name, c.Kind, vals[i])
			}
			pk.AddPrimaryKeyColumn(c.Name, v)
		case high:
			pk.AddPrimaryKeyColumnWithMaxValue(c.Name)
		default:
			pk.AddPrimaryKeyColumnWithMinValue(c.Name)
		}
	}
	return pk, nil
}

// full reports whether pk gives a value for every column.
func full(pk *tablestore.PrimaryKey) bool {
	for _, c := range pk.PrimaryKeys {
		if c.PrimaryKeyOption == tablestore.MIN || c.PrimaryKeyOption == tablestore.MAX {
			return false
		}
	}
	return true
}
