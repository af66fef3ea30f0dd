package tablestore

import (
	"context"
	"fmt"
	"iter"
	"reflect"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Get reads the row whose primary key key holds. ok is false when there is
// none. Reads go to Tablestore: they do not see writes an invocation has
// not committed yet.
func (t *Table[T]) Get(ctx context.Context, key T) (v T, ok bool, err error) {
	return t.getKey(ctx, t.s.primaryKey(reflect.ValueOf(key), false))
}

func (t *Table[T]) getKey(ctx context.Context, pk *ots.PrimaryKey) (v T, ok bool, err error) {
	client, err := t.db.client(ctx)
	if err != nil {
		return v, false, err
	}
	resp, err := client.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{
		TableName: t.name, PrimaryKey: pk, MaxVersion: 1, ColumnsToGet: t.columns(),
	}})
	if err != nil {
		return v, false, serviceError(t.name, err)
	}
	if len(resp.PrimaryKey.PrimaryKeys) == 0 {
		return v, false, nil
	}
	err = t.decode(&v, resp.PrimaryKey.PrimaryKeys, resp.Columns)
	return v, err == nil, err
}

// columns is what reads fetch: the type's columns, never markers. A type
// with no attribute columns fetches its primary key.
func (t *Table[T]) columns() []string {
	if len(t.s.names) > 0 {
		return t.s.names
	}
	return []string{t.s.pk[0].name}
}

// decode fills v from a row read.
func (t *Table[T]) decode(v *T, pk []*ots.PrimaryKeyColumn, cols []*ots.AttributeColumn) error {
	rv := reflect.ValueOf(v).Elem()
	for _, c := range pk {
		for i := range t.s.pk {
			if t.s.pk[i].name == c.ColumnName {
				if err := t.s.pk[i].set(rv, c.Value); err != nil {
					return fmt.Errorf("tablestore: table %q: %w", t.name, err)
				}
			}
		}
	}
	for _, c := range cols {
		if col, ok := t.s.attr(c.ColumnName); ok {
			if err := col.set(rv, c.Value); err != nil {
				return fmt.Errorf("tablestore: table %q: %w", t.name, err)
			}
		}
	}
	return nil
}

// Range selects rows for Scan by primary-key prefixes: Start and End hold
// values of the first primary-key columns, in order, and both ends are
// inclusive. Missing columns at the end of Start mean the lowest values,
// at the end of End the highest, so Range{Start: []any{"u1"}, End:
// []any{"u1"}} is every row of partition "u1", and Range{} the whole table.
type Range struct {
	Start, End []any
	Reverse    bool // from End down to Start
	Limit      int  // rows in all; 0: no limit
}

// Scan iterates over the rows of r in primary-key order, reading them a
// page at a time. It stops at the first error, which it yields.
func (t *Table[T]) Scan(ctx context.Context, r Range) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		lo, err := t.bound(r.Start, false)
		if err != nil {
			yield(zero, err)
			return
		}
		hi, err := t.bound(r.End, true)
		if err != nil {
			yield(zero, err)
			return
		}
		// GetRange's start is inclusive and its end exclusive: a full key
		// at the exclusive end is read on its own, last.
		start, end, last := lo, hi, hi
		if r.Reverse {
			start, end, last = hi, lo, lo
		}
		if !t.full(last) {
			last = nil
		}
		t.scan(ctx, r, start, end, last, yield)
	}
}

func (t *Table[T]) scan(ctx context.Context, r Range, start, end, last *ots.PrimaryKey, yield func(T, error) bool) {
	var zero T
	n := 0
	dir := ots.FORWARD
	if r.Reverse {
		dir = ots.BACKWARD
	}
	emit := func(v T, err error) bool {
		n++
		return yield(v, err) && err == nil && (r.Limit == 0 || n < r.Limit)
	}
	for start != nil {
		client, err := t.db.client(ctx)
		if err != nil {
			yield(zero, err)
			return
		}
		crit := &ots.RangeRowQueryCriteria{TableName: t.name, StartPrimaryKey: start, EndPrimaryKey: end,
			MaxVersion: 1, Direction: dir, ColumnsToGet: t.columns()}
		if r.Limit > 0 {
			crit.Limit = int32(min(r.Limit-n, 5000))
		}
		resp, err := client.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			yield(zero, serviceError(t.name, err))
			return
		}
		for _, row := range resp.Rows {
			var v T
			if !emit(v, t.decode(&v, row.PrimaryKey.PrimaryKeys, row.Columns)) {
				return
			}
		}
		start = resp.NextStartPrimaryKey
	}
	if last != nil {
		if v, ok, err := t.getKey(ctx, last); ok || err != nil {
			emit(v, err)
		}
	}
}

// bound is the primary key of one end of a range: the values given, then
// INF_MIN (low) or INF_MAX for the rest.
func (t *Table[T]) bound(vals []any, high bool) (*ots.PrimaryKey, error) {
	if len(vals) > len(t.s.pk) {
		return nil, fmt.Errorf("tablestore: range of %s: %d values for %d primary-key columns", t.name, len(vals), len(t.s.pk))
	}
	pk := new(ots.PrimaryKey)
	for i, c := range t.s.pk {
		switch {
		case i < len(vals):
			v, err := sdkValue(c.name, vals[i])
			if err != nil {
				return nil, err
			}
			pk.AddPrimaryKeyColumn(c.name, v)
		case high:
			pk.AddPrimaryKeyColumnWithMaxValue(c.name)
		default:
			pk.AddPrimaryKeyColumnWithMinValue(c.name)
		}
	}
	return pk, nil
}

// full reports whether pk gives a value for every column.
func (t *Table[T]) full(pk *ots.PrimaryKey) bool {
	for _, c := range pk.PrimaryKeys {
		if c.PrimaryKeyOption == ots.MIN || c.PrimaryKeyOption == ots.MAX {
			return false
		}
	}
	return true
}
