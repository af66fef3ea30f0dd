package ots

import (
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// Limits of the service on rows and cells.
const (
	maxPKValueSize   = 1024
	maxCellValueSize = 2 << 20
	maxColumnsWrite  = 1024
	maxColumnsGet    = 128
	maxBatchWrite    = 200
	maxBatchGet      = 100
	maxRangeRows     = 5000
	maxRangeBytes    = 4 << 20
	maxWriteRequest  = 4 << 20
)

// pkUse is what a primary key in a request is for, which decides the
// special values it may hold.
type pkUse int

const (
	pkRead  pkUse = iota // exact values only
	pkWrite              // AUTO_INCREMENT placeholder in the auto-increment column
	pkBound              // INF_MIN and INF_MAX anywhere
)

// checkPK validates a request's primary key against the table's schema:
// the same columns in the same order with values of their types.
func (t *table) checkPK(pk []plainbuf.Cell, use pkUse) *Error {
	if len(pk) != len(t.pk) {
		return invalid("Validate PK size fail. Input: %d, Meta: %d.", len(pk), len(t.pk))
	}
	for i, c := range pk {
		col := t.pk[i]
		if c.Name != col.name {
			return invalid("Validate PK name fail. Input: %s, Meta: %s.", c.Name, col.name)
		}
		if !c.HasValue {
			return invalid("Primary key column %q has no value.", c.Name)
		}
		switch v := c.Value; {
		case v.Type == col.typ:
			if (v.Type == plainbuf.String || v.Type == plainbuf.Binary) && len(v.Bytes) > maxPKValueSize {
				return invalid("The length of primary key column %q is %d bytes, more than %d.", c.Name, len(v.Bytes), maxPKValueSize)
			}
		case v.Type == plainbuf.AutoIncrement && use == pkWrite && col.autoInc:
		case (v.Type == plainbuf.InfMin || v.Type == plainbuf.InfMax) && use == pkBound:
		default:
			return invalid("Validate PK type fail. Input: %s, Meta: %s, column %q.", v.Type, col.typ, c.Name)
		}
	}
	return nil
}

// checkCells validates the attribute cells of a write. update allows the
// UpdateRow operations; a put allows plain values only.
func (t *table) checkCells(cells []plainbuf.Cell, update bool, nowMs int64) *Error {
	if len(cells) > maxColumnsWrite {
		return errorf(CodeOutOfColumnCount, "The number of columns in one write is %d, more than %d.", len(cells), maxColumnsWrite)
	}
	for _, c := range cells {
		if err := checkName("column", c.Name); err != nil {
			return err
		}
		for _, k := range t.pk {
			if k.name == c.Name {
				return invalid("Column %q is a primary key column and cannot be written as an attribute.", c.Name)
			}
		}
		if err := t.checkCell(c, update, nowMs); err != nil {
			return err
		}
		if err := t.checkIndexedCell(c); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) checkCell(c plainbuf.Cell, update bool, nowMs int64) *Error {
	if c.Op != plainbuf.OpPut && !update {
		return invalid("Column %q: PutRow takes values only, not the operation %d.", c.Name, c.Op)
	}
	switch c.Op {
	case plainbuf.OpPut:
		if !c.HasValue {
			return invalid("Column %q has no value.", c.Name)
		}
	case plainbuf.OpDeleteOne:
		if !c.HasTimestamp {
			return invalid("Column %q: deleting one version needs its timestamp.", c.Name)
		}
		return nil
	case plainbuf.OpDeleteAll:
		return nil
	case plainbuf.OpIncrement:
		if !c.HasValue || c.Value.Type != plainbuf.Integer {
			return invalid("Column %q: INCREMENT needs an INTEGER value.", c.Name)
		}
		if c.HasTimestamp {
			return invalid("Column %q: INCREMENT takes no timestamp.", c.Name)
		}
		return nil
	default:
		return invalid("Column %q: unknown operation %d.", c.Name, c.Op)
	}
	switch c.Value.Type {
	case plainbuf.Integer, plainbuf.Double, plainbuf.Boolean, plainbuf.String, plainbuf.Binary:
	default:
		return invalid("Column %q: %s is not a column value type.", c.Name, c.Value.Type)
	}
	if n := c.Value.Size(); n > maxCellValueSize {
		return invalid("The length of attribute column %q is %d bytes, more than %d.", c.Name, n, maxCellValueSize)
	}
	if c.HasTimestamp {
		if c.Timestamp < 0 {
			return invalid("Column %q: timestamp %d is negative.", c.Name, c.Timestamp)
		}
		if d := int64(t.deviation) * 1000; c.Timestamp < nowMs-d || c.Timestamp > nowMs+d {
			return invalid("Column %q: timestamp %d is more than %d seconds from the server time (deviation_cell_version_in_sec).", c.Name, c.Timestamp, t.deviation)
		}
	}
	return nil
}

// decodeOneRow decodes a request's plain buffer that must hold one row.
func decodeOneRow(b []byte, what string) (plainbuf.Row, *Error) {
	r, err := plainbuf.DecodeRow(b)
	if err != nil {
		return plainbuf.Row{}, invalid("Invalid %s: %v.", what, err)
	}
	return r, nil
}
