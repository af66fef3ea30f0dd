package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// Table is a table whose rows are values of the struct type T (see
// NewTable for the tags). Its methods are safe for concurrent use.
type Table[T any] struct {
	db   *DB
	name string
	s    *rowtype.Schema
	ks   keyspace // the table, as reads see it
}

// NewTable returns the table name of db with rows of type T. T's fields
// map to columns by their `tablestore` tags:
//
//	type Player struct {
//		ID    string `tablestore:"id,pk"`       // primary-key columns, in field order
//		Name  string `tablestore:"Name"`        // attribute columns
//		Score int64  `tablestore:"Score"`
//		Note  string `tablestore:"Note,omitempty"` // a zero value removes the column
//	}
//
// Field types map to INTEGER (int64 and smaller integers), STRING,
// BINARY ([]byte), BOOLEAN and DOUBLE (float64, float32). An integer
// primary-key column other than the first may be `pk,autoincrement`.
func NewTable[T any](db *DB, name string) (*Table[T], error) {
	if !validName(name) {
		return nil, fmt.Errorf("tablestore: invalid table name %q: it must match [A-Za-z_][A-Za-z0-9_]* and be 1 to 255 bytes", name)
	}
	s, err := rowtype.Of(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	return &Table[T]{db: db, name: name, s: s, ks: keyspace{table: name, key: s.PK, cols: readColumns(s)}}, nil
}

// Name is the table's name.
func (t *Table[T]) Name() string { return t.name }

// Put writes v's columns to its row, creating the row if needed; columns
// the type does not have are left as they are. Conditions make the write
// conditional (IfNotExists, If("Version", "=", 3), ...).
//
// Inside an invocation of an App with fn.WithCommitter(db), Put returns
// once the write is validated, and the write is applied with the
// invocation's others when its messages have been handled; a write that
// fails fails its message. Elsewhere it applies before returning. Either
// way a write made for a message, or under WithIdempotencyKey, applies
// once however often the message is delivered (see the package doc).
func (t *Table[T]) Put(ctx context.Context, v T, conds ...Condition) error {
	rv := reflect.ValueOf(v)
	if err := t.noPlaceholder(rv); err != nil {
		return err
	}
	changes := make([]Change, 0, len(t.s.Attrs))
	for i := range t.s.Attrs {
		c := &t.s.Attrs[i]
		if c.OmitEmpty && rv.FieldByIndex(c.Index).IsZero() {
			changes = append(changes, Remove(c.Name))
			continue
		}
		changes = append(changes, Set(c.Name, c.Value(rv)))
	}
	return t.update(ctx, primaryKey(t.s, rv, false), changes, conds)
}

// Insert writes v as a new row: ErrConditionFailed if the row exists
// (unless this message's earlier delivery created it).
func (t *Table[T]) Insert(ctx context.Context, v T) error {
	return t.Put(ctx, v, IfNotExists())
}

// Update applies changes to the row whose primary key key holds (its
// other fields are ignored), under conds. Without IfExists a missing row
// is created.
func (t *Table[T]) Update(ctx context.Context, key T, changes []Change, conds ...Condition) error {
	rv := reflect.ValueOf(key)
	if err := t.noPlaceholder(rv); err != nil {
		return err
	}
	if len(changes) == 0 {
		return errors.New("tablestore: Update with no changes")
	}
	for _, c := range changes {
		if err := t.checkChange(c); err != nil {
			return err
		}
	}
	return t.update(ctx, primaryKey(t.s, rv, false), changes, conds)
}

// Increment adds delta to the integer column col of key's row.
func (t *Table[T]) Increment(ctx context.Context, key T, col string, delta int64) error {
	return t.Update(ctx, key, []Change{Add(col, delta)})
}

// Delete removes key's row under conds. A delete whose row is already gone
// when its condition fails counts as done.
func (t *Table[T]) Delete(ctx context.Context, key T, conds ...Condition) error {
	rv := reflect.ValueOf(key)
	if err := t.noPlaceholder(rv); err != nil {
		return err
	}
	w, err := deleteWrite(t.name, primaryKey(t.s, rv, false), conds)
	if err != nil {
		return err
	}
	w.msg, _ = fn.MessageFromContext(ctx)
	return t.db.write(ctx, w)
}

func (t *Table[T]) update(ctx context.Context, pk *tablestore.PrimaryKey, changes []Change, conds []Condition) error {
	w, err := updateWrite(t.name, pk, changes, conds)
	if err != nil {
		return err
	}
	sc, m := scopeFor(ctx, collectorFrom(ctx))
	w.msg = m
	if sc != nil {
		w.key, w.idx = sc.key, sc.next(w.row)
	}
	return t.db.write(ctx, w)
}

// checkChange refuses a change to a primary-key column, and one whose
// value does not fit the type's column.
func (t *Table[T]) checkChange(c Change) error {
	for _, k := range t.s.PK {
		if k.Name == c.col {
			return fmt.Errorf("tablestore: %q is a primary-key column of %s", c.col, t.name)
		}
	}
	col, ok := t.s.Attr(c.col)
	switch {
	case !ok:
		return nil // a column the type does not map
	case c.op == changeAdd && col.Kind != rowtype.Integer:
		return fmt.Errorf("tablestore: Add to column %q of %s, which is %s", c.col, t.name, col.Kind)
	case c.op == changeSet:
		v, err := sdkValue(c.col, c.value)
		if err != nil {
			return err
		}
		if k, _ := rowtype.KindOf(reflect.TypeOf(v)); k != col.Kind {
			return fmt.Errorf("tablestore: Set column %q of %s to %T, want %s", c.col, t.name, c.value, col.Kind)
		}
	}
	return nil
}

func (t *Table[T]) noPlaceholder(rv reflect.Value) error {
	for i := range t.s.PK {
		if c := &t.s.PK[i]; c.AutoInc && rv.FieldByIndex(c.Index).IsZero() {
			return fmt.Errorf("tablestore: %s: the key's autoincrement column %q is unset; Append generates it", t.name, c.Name)
		}
	}
	return nil
}

// write applies w now, or defers it to the invocation's commit.
func (db *DB) write(ctx context.Context, w *write) error {
	if c := collectorFrom(ctx); c != nil {
		return c.add(w)
	}
	db.apply(ctx, []*write{w})
	return w.err
}

// validName reports whether name is a valid table or column name.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
