package store

import (
	"maps"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// An effect is what a row's pending writes do, folded as they are made,
// so that a read applies them to the row in one pass whatever their
// number.
type effect struct {
	deleted bool              // one deletes the row: the row read does not count
	creates bool              // those after the last delete create the row
	cols    map[string]folded // their changes per column, after the last delete
	seen    map[dupID]bool    // the idempotency keys' writes made
}

type dupID struct {
	key string
	idx int
}

// add folds w in, as the service applies it after the writes before. A
// write repeating an earlier one of the same key and index changes
// nothing, as its marker would make it.
func (e *effect) add(w *write) {
	if w.key != "" {
		id := dupID{w.key, w.idx}
		if e.seen[id] {
			return
		}
		if e.seen == nil {
			e.seen = map[dupID]bool{}
		}
		e.seen[id] = true
	}
	if w.delete {
		e.deleted, e.creates, e.cols = true, false, nil
		return
	}
	creates := w.key != "" // its marker creates the row
	for _, c := range w.changes {
		if c.op != changeRemove {
			creates = true
		}
		prev, had := e.cols[c.col]
		// An Add to a value that is not an integer: the service refuses
		// the write, and the messages that read it fail at commit.
		if next, ok := foldOne(prev, had, c); ok {
			if e.cols == nil {
				e.cols = map[string]folded{}
			}
			e.cols[c.col] = next
		}
	}
	e.creates = e.creates || creates
}

func (e *effect) clone() effect {
	c := *e
	c.cols, c.seen = maps.Clone(e.cols), nil
	return c
}

// overlay returns row (nil when there is none) as e leaves it: the columns
// cols of the primary key pk, nil when a read would find no row. With
// attrs the row is found when it has one of cols, as a GetRow of them
// finds it; without, when it exists.
func (e effect) overlay(row *tablestore.Row, pk *tablestore.PrimaryKey, cols []string, attrs bool) *tablestore.Row {
	vals := map[string]any{}
	exists := row != nil && !e.deleted
	if exists {
		for _, c := range row.Columns {
			vals[c.ColumnName] = c.Value
		}
	}
	for col, f := range e.cols {
		switch f.op {
		case changeSet:
			vals[col] = f.value
		case changeRemove:
			delete(vals, col)
		case changeAdd:
			switch v := vals[col].(type) {
			case nil:
				vals[col] = f.delta
			case int64:
				vals[col] = v + f.delta
			} // another type: the service refuses the write
		}
	}
	exists = exists || e.creates
	out := &tablestore.Row{PrimaryKey: pk}
	for _, name := range cols {
		if v, ok := vals[name]; ok {
			out.Columns = append(out.Columns, &tablestore.AttributeColumn{ColumnName: name, Value: v})
		}
	}
	if !exists || attrs && len(out.Columns) == 0 {
		return nil
	}
	return out
}
