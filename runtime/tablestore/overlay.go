package tablestore

import (
	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// overlay returns row (nil when there is none) as the writes ws leave it,
// applied in order as the service applies them: the columns cols of the
// primary key pk, nil when the read would find no row. With attrs the
// row is found when it has one of cols, as a GetRow of them finds it;
// without, when it exists. A write repeating an earlier one of the same
// idempotency key and index changes nothing, as its marker would make
// it.
func overlay(row *ots.Row, pk *ots.PrimaryKey, ws []*write, cols []string, attrs bool) *ots.Row {
	vals := map[string]any{}
	exists := row != nil
	if row != nil {
		for _, c := range row.Columns {
			vals[c.ColumnName] = c.Value
		}
	}
	seen := map[string]map[int]bool{}
	for _, w := range ws {
		if w.key != "" {
			if seen[w.key][w.idx] {
				continue
			}
			if seen[w.key] == nil {
				seen[w.key] = map[int]bool{}
			}
			seen[w.key][w.idx] = true
		}
		if w.delete {
			exists, vals = false, map[string]any{}
			continue
		}
		creates := w.key != "" // its marker creates the row
		for _, c := range w.changes {
			switch c.op {
			case changeSet:
				vals[c.col], creates = c.value, true
			case changeAdd:
				creates = true
				switch v := vals[c.col].(type) {
				case nil:
					vals[c.col] = c.delta
				case int64:
					vals[c.col] = v + c.delta
				} // another type: the service refuses the write, and the read fails at commit
			case changeRemove:
				delete(vals, c.col)
			}
		}
		exists = exists || creates
	}
	out := &ots.Row{PrimaryKey: pk}
	for _, name := range cols {
		if v, ok := vals[name]; ok {
			out.Columns = append(out.Columns, &ots.AttributeColumn{ColumnName: name, Value: v})
		}
	}
	if !exists || attrs && len(out.Columns) == 0 {
		return nil
	}
	return out
}
