package ots

import (
	"slices"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// apply checks a change's conditions against the row it targets and, when
// they hold, writes it. Nothing is written when it returns an error.
func apply(acc rowAccess, ch *change, nowMs int64) (*result, error) {
	pk := ch.pk
	if ch.autoIncrement() {
		v, err := acc.nextAutoIncrement(ch.t)
		if err != nil {
			return nil, err
		}
		pk = slices.Clone(pk)
		for i := range pk {
			if pk[i].Value.Type == plainbuf.AutoIncrement {
				pk[i].Value = plainbuf.Int(v)
			}
		}
	}
	key := appendKey(nil, pk)
	var old *row
	if !ch.blind() {
		var err error
		if old, err = acc.get(ch.t, key); err != nil {
			return nil, err
		}
	}
	var oldCells []plainbuf.Cell
	exists := old != nil
	if exists {
		oldCells = ch.t.live(old.cells, nowMs)
		exists = len(old.cells) == 0 || len(oldCells) > 0 // every version expired: the row is gone
	}
	if err := ch.check(exists, oldCells); err != nil {
		return nil, err
	}
	read := int32(0)
	if ch.existence != pb.RowExistenceExpectation_IGNORE || ch.cond != nil {
		read = 1
	}
	res := &result{cu: capacity{read: read, write: capacityUnits(ch.size)}}
	var err error
	var logged []plainbuf.Cell // the cells as the stream records them
	switch ch.kind {
	case pb.OperationType_DELETE:
		err = acc.del(ch.t, key)
	case pb.OperationType_PUT:
		err = acc.put(ch.t, key, &row{pk: pk, cells: ch.putCells(nowMs)})
		if ch.t.stream != nil {
			logged = make([]plainbuf.Cell, len(ch.cells))
			for i, c := range ch.cells {
				logged[i] = stamp(c, nowMs)
			}
		}
	case pb.OperationType_UPDATE:
		var cells []plainbuf.Cell
		if cells, logged, err = ch.updateCells(oldCells, nowMs); err != nil {
			return nil, err
		}
		if exists || len(cells) > 0 {
			err = acc.put(ch.t, key, &row{pk: pk, cells: cells})
		}
		res.row = ch.afterModify(pk, cells)
	}
	if err == nil && ch.t.stream != nil {
		err = acc.logChange(ch.t, ch.streamChange(pk, logged))
	}
	if err != nil {
		return nil, err
	}
	if ch.ret.GetReturnType() == pb.ReturnType_RT_PK {
		res.row = plainbuf.Append(nil, plainbuf.Row{PrimaryKey: pk})
	}
	return res, nil
}

// blind reports whether the change does not depend on the row it replaces:
// a put or delete without conditions.
func (ch *change) blind() bool {
	return ch.kind != pb.OperationType_UPDATE && ch.existence == pb.RowExistenceExpectation_IGNORE && ch.cond == nil
}

// check applies the row existence expectation, then the column condition.
func (ch *change) check(exists bool, cells []plainbuf.Cell) error {
	switch {
	case ch.existence == pb.RowExistenceExpectation_EXPECT_EXIST && !exists,
		ch.existence == pb.RowExistenceExpectation_EXPECT_NOT_EXIST && exists:
		return errConditionCheck
	case ch.cond != nil && !ch.cond.Match(cells):
		return errConditionCheck
	}
	return nil
}

// putCells are the cells of a put: the request's, stamped and sorted.
func (ch *change) putCells(nowMs int64) []plainbuf.Cell {
	cells := make([]plainbuf.Cell, len(ch.cells))
	for i, c := range ch.cells {
		cells[i] = stamp(c, nowMs)
	}
	sortCells(cells)
	return trimVersions(cells, ch.t.maxVersions)
}

func stamp(c plainbuf.Cell, nowMs int64) plainbuf.Cell {
	c.Op = plainbuf.OpPut
	if !c.HasTimestamp {
		c.Timestamp, c.HasTimestamp = nowMs, true
	}
	return c
}

// updateCells applies an update's operations to the row's current cells.
// It also returns the operations as a stream records them, in request
// order: a put with its timestamp, a delete of one version with its
// timestamp, a delete of all versions bare, and an increment as the put of
// its result.
func (ch *change) updateCells(old []plainbuf.Cell, nowMs int64) (cells, logged []plainbuf.Cell, err error) {
	cells = slices.Clone(old)
	logged = make([]plainbuf.Cell, 0, len(ch.cells))
	for _, c := range ch.cells {
		switch c.Op {
		case plainbuf.OpPut:
			c = stamp(c, nowMs)
			cells = append([]plainbuf.Cell{c}, cells...)
		case plainbuf.OpDeleteAll:
			cells = slices.DeleteFunc(cells, func(x plainbuf.Cell) bool { return x.Name == c.Name })
			c = plainbuf.Cell{Name: c.Name, Op: plainbuf.OpDeleteAll}
		case plainbuf.OpDeleteOne:
			cells = slices.DeleteFunc(cells, func(x plainbuf.Cell) bool { return x.Name == c.Name && x.Timestamp == c.Timestamp })
			c = plainbuf.Cell{Name: c.Name, Op: plainbuf.OpDeleteOne, Timestamp: c.Timestamp, HasTimestamp: true}
		case plainbuf.OpIncrement:
			base := int64(0)
			if cur, ok := newest(cells, c.Name); ok {
				if cur.Value.Type != plainbuf.Integer {
					return nil, nil, invalid("Column %q is %s; INCREMENT needs an INTEGER column.", c.Name, cur.Value.Type)
				}
				base = cur.Value.Int
			}
			c = stamp(plainbuf.Cell{Name: c.Name, Value: plainbuf.Int(base + c.Value.Int), HasValue: true}, nowMs)
			cells = append([]plainbuf.Cell{c}, cells...)
		}
		logged = append(logged, c)
		sortCells(cells)
	}
	return trimVersions(cells, ch.t.maxVersions), logged, nil
}

// streamChange is the record of the change applied to the row pk, whose
// cells the stream records as logged.
func (ch *change) streamChange(pk, logged []plainbuf.Cell) streamChange {
	row := plainbuf.Row{PrimaryKey: pk, Cells: logged}
	action := pb.ActionType_PUT_ROW
	switch ch.kind {
	case pb.OperationType_UPDATE:
		action = pb.ActionType_UPDATE_ROW
	case pb.OperationType_DELETE:
		action, row.Deleted = pb.ActionType_DELETE_ROW, true
	}
	return streamChange{action: action, row: row}
}

// afterModify is the RT_AFTER_MODIFY row: the newest version of each
// requested column after the update.
func (ch *change) afterModify(pk []plainbuf.Cell, cells []plainbuf.Cell) []byte {
	if ch.ret.GetReturnType() != pb.ReturnType_RT_AFTER_MODIFY {
		return nil
	}
	var out []plainbuf.Cell
	for _, name := range ch.ret.GetReturnColumnNames() {
		if c, ok := newest(cells, name); ok {
			out = append(out, c)
		}
	}
	return plainbuf.Append(nil, plainbuf.Row{PrimaryKey: pk, Cells: out})
}

// capacityUnits is the capacity a size of data costs: one unit per 4 KB,
// at least one.
func capacityUnits(size int) int32 {
	return int32(max(1, (size+4095)/4096))
}
