package rowchange

import (
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// A Row is a change decoded into a struct type of package store's rows:
// the Change itself, and Value, a T to which the change was applied (see
// Change.Decode).
type Row[T any] struct {
	*Change
	Value T
}

// RowOf decodes c into a Row[T]: Value starts as T's zero value and gets
// c applied to it, as Change.Decode applies it.
func RowOf[T any](c *Change) (Row[T], error) {
	r := Row[T]{Change: c}
	s, err := schemaFor(reflect.TypeFor[T]())
	if err != nil {
		return r, err
	}
	return r, c.apply(s, reflect.ValueOf(&r.Value).Elem())
}

// Check returns the error RowOf returns for every change when T is not a
// row type: not a struct, or with `tablestore` tags package store refuses.
func Check[T any]() error {
	_, err := schemaFor(reflect.TypeFor[T]())
	return err
}

// Decode applies the change to v, a pointer to a struct whose fields map
// to the table's columns by the `tablestore` tags of package store
// (`tablestore:"id,pk"` for a primary-key column, `tablestore:"Name"` for
// an attribute column), as Tablestore applied it to the row:
//
//   - every primary-key field gets the change's value of its column; a
//     primary-key column of the type that the change's row does not have
//     is an error;
//   - a PutRow, which replaces the row, and a DeleteRow, which removes
//     it, first set every attribute field to its zero value;
//   - a Put sets its column's field (when a change puts several versions
//     of a column, the latest Timestamp wins), a DeleteAllVersions sets it
//     to its zero value; a DeleteOneVersion leaves it as it is, since the
//     column may keep other versions;
//   - fields of columns the change does not name are left as they are, and
//     columns with no field are ignored, package store's bookkeeping
//     columns among them.
//
// So for an UpdateRow a T fresh from its zero value holds the primary key
// and the columns the update put; use Change.Column to tell a column the
// update deleted from one it did not touch. A value that does not fit its
// field (a string column for an int64 field, an integer the field cannot
// hold) is an error naming the column; fields set before it keep their
// values.
func (c *Change) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("rowchange: Decode of record %d needs a non-nil pointer to a struct, not %T", c.Index, v)
	}
	s, err := schemaFor(rv.Elem().Type())
	if err != nil {
		return err
	}
	return c.apply(s, rv.Elem())
}

// schemas caches the row mapping of each type Decode or RowOf was used
// with: a *schemaEntry by reflect.Type.
var schemas sync.Map

type schemaEntry struct {
	s   *rowtype.Schema
	err error
}

func schemaFor(t reflect.Type) (*rowtype.Schema, error) {
	if e, ok := schemas.Load(t); ok {
		e := e.(*schemaEntry)
		return e.s, e.err
	}
	s, err := rowtype.Of(t)
	if err != nil {
		err = fmt.Errorf("rowchange: %w", err)
	}
	e, _ := schemas.LoadOrStore(t, &schemaEntry{s, err})
	return e.(*schemaEntry).s, e.(*schemaEntry).err
}

// apply applies c to rv, a struct of schema s.
func (c *Change) apply(s *rowtype.Schema, rv reflect.Value) error {
	for i := range s.PK {
		col := &s.PK[i]
		x, ok := c.Key(col.Name)
		if !ok {
			return fmt.Errorf("rowchange: record %d: the row has no primary-key column %q of %s (its key is %s)", c.Index, col.Name, s.Type, c.RowKey())
		}
		if err := col.Set(rv, x); err != nil {
			return fmt.Errorf("rowchange: record %d: primary key: %w", c.Index, err)
		}
	}
	if c.Type == PutRow || c.Type == DeleteRow {
		for i := range s.Attrs {
			rv.FieldByIndex(s.Attrs[i].Index).SetZero()
		}
	}
	var latest []int64 // by attribute: the Timestamp of the Put applied, when set
	for _, cc := range c.Columns {
		n := s.AttrIndex(cc.Name)
		if n < 0 {
			continue
		}
		col := &s.Attrs[n]
		switch cc.Op {
		case Put:
			if latest == nil {
				latest = make([]int64, len(s.Attrs))
				for i := range latest {
					latest[i] = math.MinInt64
				}
			}
			if cc.Timestamp < latest[n] {
				continue
			}
			latest[n] = cc.Timestamp
			if err := col.Set(rv, cc.Value); err != nil {
				return fmt.Errorf("rowchange: record %d: %w", c.Index, err)
			}
		case DeleteAllVersions:
			rv.FieldByIndex(col.Index).SetZero()
			if latest != nil {
				latest[n] = math.MinInt64
			}
		}
	}
	return nil
}
