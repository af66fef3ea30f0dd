package tablestore

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// op is one row write a handler made.
type op struct {
	msg    *fnMessage // the message it was made for; nil outside one
	table  string
	row    string // table and primary key: writes to one row apply in order
	pk     *ots.PrimaryKey
	change ots.RowChange
	delete bool
	marker string // idempotency marker column; "" when the write has none
	safe   bool   // retrying it after an unknown outcome cannot apply it twice
	size   int    // estimated bytes in a request
	err    error
}

// rowID identifies a row by table and primary key.
func rowID(table string, pk *ots.PrimaryKey) string {
	var b strings.Builder
	b.WriteString(table)
	for _, c := range pk.PrimaryKeys {
		b.WriteByte(0)
		switch v := c.Value.(type) {
		case []byte:
			b.WriteString("b" + hex.EncodeToString(v))
		default:
			fmt.Fprintf(&b, "%T%v", v, v)
		}
	}
	return b.String()
}

// describe names the op's row for errors: table(key=value, ...).
func (o *op) describe() string {
	var b strings.Builder
	b.WriteString(o.table + "(")
	for i, c := range o.pk.PrimaryKeys {
		if i > 0 {
			b.WriteString(", ")
		}
		switch v := c.Value.(type) {
		case string:
			fmt.Fprintf(&b, "%s=%q", c.ColumnName, v)
		case []byte:
			fmt.Fprintf(&b, "%s=0x%x", c.ColumnName, v)
		default:
			fmt.Fprintf(&b, "%s=%v", c.ColumnName, v)
		}
	}
	b.WriteString(")")
	if o.delete {
		return "delete of " + b.String()
	}
	return b.String()
}

// updateOp builds the UpdateRow of a write: puts, increments and
// removals, the marker put, and the conditions with "marker absent".
func updateOp(table string, pk *ots.PrimaryKey, changes []Change, conds []Condition, sc *scope, now time.Time) (*op, error) {
	o := &op{table: table, pk: pk, row: rowID(table, pk)}
	if sc != nil {
		o.marker = sc.next(o.row)
	}
	existence, filter, err := conditions(conds, o.marker)
	if err != nil {
		return nil, err
	}
	ch := &ots.UpdateRowChange{TableName: table, PrimaryKey: pk}
	o.size = 64 + len(o.row)
	for _, c := range changes {
		if strings.HasPrefix(c.col, markerPrefix) {
			return nil, fmt.Errorf("tablestore: column %q: names starting with %q are reserved", c.col, markerPrefix)
		}
		o.size += len(c.col) + 16
		switch c.op {
		case changeSet:
			v, err := sdkValue(c.col, c.value)
			if err != nil {
				return nil, err
			}
			o.size += valueSize(v)
			ch.PutColumn(c.col, v)
		case changeAdd:
			ch.IncrementColumn(c.col, c.delta)
		case changeRemove:
			ch.DeleteColumn(c.col)
		}
	}
	if o.marker != "" {
		ch.PutColumn(o.marker, now.UnixMilli())
		o.size += len(o.marker) + 16
	}
	o.safe = o.marker != "" || onlySets(changes) && len(conds) == 0
	if len(ch.Columns) == 0 { // a row of primary-key columns alone
		put := &ots.PutRowChange{TableName: table, PrimaryKey: pk}
		put.SetCondition(existence)
		if filter != nil {
			put.SetColumnCondition(filter)
		}
		o.change = put
		return o, nil
	}
	ch.SetCondition(existence)
	if filter != nil {
		ch.SetColumnCondition(filter)
	}
	o.change = ch
	return o, nil
}

// deleteOp builds the DeleteRow of a write. Deletes carry no marker: the
// row and its markers go.
func deleteOp(table string, pk *ots.PrimaryKey, conds []Condition) (*op, error) {
	existence, filter, err := conditions(conds, "")
	if err != nil {
		return nil, err
	}
	ch := &ots.DeleteRowChange{TableName: table, PrimaryKey: pk}
	ch.SetCondition(existence)
	if filter != nil {
		ch.SetColumnCondition(filter)
	}
	row := rowID(table, pk)
	return &op{table: table, pk: pk, row: row, change: ch, delete: true, safe: true, size: 64 + len(row)}, nil
}

func onlySets(changes []Change) bool {
	for _, c := range changes {
		if c.op == changeAdd {
			return false
		}
	}
	return true
}

func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	}
	return 8
}
