package store

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// A write is one row write a handler made: an update (Put, Insert,
// Update, Increment) or a delete. Writes are validated when made; at
// commit those of one row are merged into as few row operations as their
// conditions allow (see merge.go).
type write struct {
	msg     *fnMessage // the message it was made for; nil outside one
	table   string
	pk      *tablestore.PrimaryKey
	row     string // table and primary key
	delete  bool
	changes []change                           // an update's column changes, in order
	exist   tablestore.RowExistenceExpectation // IGNORE, EXPECT_EXIST or EXPECT_NOT_EXIST
	conds   []colCond                          // column conditions, all of which must hold
	key     string                             // idempotency key; "" when the write has none
	idx     int                                // the key's earlier writes to the row
	seq     int                                // order among the collector's writes
	size    int                                // estimated bytes in a request

	// Set at commit.
	pos    int // position among the row's writes
	status writeStatus
	dupOf  *write // the same (key, idx) made earlier under another scope
	err    error
}

type writeStatus int

const (
	pending writeStatus = iota
	done                // applied, now or by an earlier delivery
	failed
)

// change is one column change, with its value as the SDK writes it.
type change struct {
	op    changeOp
	col   string
	value any   // changeSet
	delta int64 // changeAdd
}

// colCond is a column condition: the column compares to value by cmp, or
// is missing.
type colCond struct {
	col   string
	cmp   tablestore.ComparatorType
	value any
}

// rowID identifies a row by table and primary key.
func rowID(table string, pk *tablestore.PrimaryKey) string {
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

// describeRow names a row for errors: table(key=value, ...).
func describeRow(table string, pk *tablestore.PrimaryKey) string {
	var b strings.Builder
	b.WriteString(table + "(")
	for i, c := range pk.PrimaryKeys {
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
	return b.String()
}

// describe names the write's row for errors, and says when it is a delete.
func (w *write) describe() string {
	if w.delete {
		return "delete of " + describeRow(w.table, w.pk)
	}
	return describeRow(w.table, w.pk)
}

// updateWrite validates an update of the row pk of table: puts,
// increments and removals under conds.
func updateWrite(table string, pk *tablestore.PrimaryKey, changes []Change, conds []Condition) (*write, error) {
	w := &write{table: table, pk: pk, row: rowID(table, pk)}
	var err error
	if w.exist, w.conds, err = conditions(conds); err != nil {
		return nil, err
	}
	w.size = 64 + len(w.row)
	for _, c := range changes {
		if strings.HasPrefix(c.col, markerPrefix) {
			return nil, fmt.Errorf("tablestore: column %q: names starting with %q are reserved", c.col, markerPrefix)
		}
		if !validName(c.col) {
			return nil, fmt.Errorf("tablestore: invalid column name %q: it must match [A-Za-z_][A-Za-z0-9_]* and be 1 to 255 bytes", c.col)
		}
		ch := change{op: c.op, col: c.col, delta: c.delta}
		if c.op == changeSet {
			if ch.value, err = sdkValue(c.col, c.value); err != nil {
				return nil, err
			}
			w.size += valueSize(ch.value)
		}
		w.size += len(c.col) + 16
		w.changes = append(w.changes, ch)
	}
	return w, nil
}

// deleteWrite validates a delete of the row pk of table under conds.
func deleteWrite(table string, pk *tablestore.PrimaryKey, conds []Condition) (*write, error) {
	exist, cc, err := conditions(conds)
	if err != nil {
		return nil, err
	}
	row := rowID(table, pk)
	return &write{table: table, pk: pk, row: row, delete: true, exist: exist, conds: cc, size: 64 + len(row)}, nil
}

// unconditional reports whether the write has no condition.
func (w *write) unconditional() bool {
	return w.exist == tablestore.RowExistenceExpectation_IGNORE && len(w.conds) == 0
}

// idempotent reports whether applying the write twice leaves the row as
// applying it once: it only sets and removes columns, unconditionally.
func (w *write) idempotent() bool {
	if !w.unconditional() {
		return false
	}
	for _, c := range w.changes {
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
