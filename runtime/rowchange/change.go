package rowchange

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// Version is the payload version Decode accepts.
const Version = "Sync-v1"

// A Type is what a change did to its row.
type Type uint8

// The record types, as the payload names them (Type.String).
const (
	PutRow    Type = iota + 1 // the row was written whole: its columns are those of the change
	UpdateRow                 // some columns were put or deleted, the others kept
	DeleteRow                 // the row was deleted
)

var typeNames = [...]string{PutRow: "PutRow", UpdateRow: "UpdateRow", DeleteRow: "DeleteRow"}

// String returns the type's name in the payload: PutRow, UpdateRow or
// DeleteRow.
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// An Op is what a change did to one column.
type Op uint8

// The column operations, as the payload names them (Op.String).
const (
	Put               Op = iota + 1 // a value was written, as the version Timestamp
	DeleteOneVersion                // the version Timestamp was deleted
	DeleteAllVersions               // every version was deleted: the column is gone
)

var opNames = [...]string{Put: "Put", DeleteOneVersion: "DeleteOneVersion", DeleteAllVersions: "DeleteAllVersions"}

// String returns the operation's name in the payload: Put,
// DeleteOneVersion or DeleteAllVersions.
func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// A Cell is one primary-key column of a changed row. Value is an int64, a
// string or a []byte.
type Cell struct {
	Name  string
	Value any
}

// A Column is one column a change put or deleted.
type Column struct {
	Op   Op
	Name string
	// Value is the value a Put wrote: an int64, float64, bool, string or
	// []byte. It is nil for the deletes.
	Value any
	// Timestamp is the cell's version, in milliseconds since the Unix
	// epoch: the version a Put wrote or a DeleteOneVersion deleted. It is
	// 0 when the payload gives none, as for DeleteAllVersions.
	Timestamp int64
}

// Time returns the column's Timestamp as a time, the zero time when there
// is none.
func (c Column) Time() time.Time {
	if c.Timestamp == 0 {
		return time.Time{}
	}
	return time.UnixMilli(c.Timestamp)
}

// A Change is one record of the trigger's payload: what happened to one
// row.
type Change struct {
	// Index is the record's position in the payload's Records.
	Index int
	// ID identifies the change: the hex of the first 16 bytes of the
	// SHA-256 of Record. The same record delivered again, as a retried
	// invocation delivers it, has the same ID; two records differ in ID
	// unless they are the same change of the same row at the same time.
	ID   string
	Type Type
	// Timestamp is the record's time in the table's stream, in
	// microseconds since the Unix epoch (the record's Info.Timestamp).
	Timestamp int64
	// PrimaryKey is the row's primary key, in the table's column order.
	PrimaryKey []Cell
	// Columns are the columns the change put or deleted, in payload
	// order; none for a DeleteRow.
	Columns []Column
	// Record is the record in CBOR, in the core deterministic encoding
	// of RFC 8949 (section 4.2.1): DecodeRecord decodes it.
	Record []byte
}

// Time returns the record's Timestamp as a time.
func (c *Change) Time() time.Time { return time.UnixMicro(c.Timestamp) }

// Key returns the value of the primary-key column named name, if the
// change's row has that column.
func (c *Change) Key(name string) (any, bool) {
	for _, k := range c.PrimaryKey {
		if k.Name == name {
			return k.Value, true
		}
	}
	return nil, false
}

// Column returns the last operation of the change on the column named
// name, if the change has one.
func (c *Change) Column(name string) (Column, bool) {
	for i := len(c.Columns) - 1; i >= 0; i-- {
		if c.Columns[i].Name == name {
			return c.Columns[i], true
		}
	}
	return Column{}, false
}

// RowKey describes the change's row for logs and errors, and identifies
// it: its primary-key columns and values, as
//
//	id="p1",seq=7,blob=0x00ff
//
// Changes of the same row have the same RowKey.
func (c *Change) RowKey() string {
	var b strings.Builder
	for i, k := range c.PrimaryKey {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k.Name)
		b.WriteByte('=')
		switch v := k.Value.(type) {
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case string:
			b.WriteString(strconv.Quote(v))
		case []byte:
			b.WriteString("0x")
			b.WriteString(hex.EncodeToString(v))
		}
	}
	return b.String()
}

// Bookkeeping reports whether the change is an UpdateRow of package
// store's bookkeeping columns alone (names starting with _rfn_): the
// expiry of idempotency markers, say, which changes none of the row's own
// columns.
func (c *Change) Bookkeeping() bool {
	if c.Type != UpdateRow || len(c.Columns) == 0 {
		return false
	}
	for _, col := range c.Columns {
		if !strings.HasPrefix(col.Name, rowtype.ReservedPrefix) {
			return false
		}
	}
	return true
}
