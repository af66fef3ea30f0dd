package ots

import (
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/ots/filter"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// change is one validated row write: a put, update or delete of one row,
// with its condition and what to return.
type change struct {
	kind      pb.OperationType
	t         *table
	pk        []plainbuf.Cell
	cells     []plainbuf.Cell
	existence pb.RowExistenceExpectation
	cond      *filter.Filter
	ret       *pb.ReturnContent
	size      int
}

// parseChange validates a row change of the given kind against the table.
func (s *Server) parseChange(t *table, kind pb.OperationType, rowBytes []byte, cond *pb.Condition, ret *pb.ReturnContent) (*change, *Error) {
	if cond == nil {
		return nil, invalid("The condition of the row change is missing.")
	}
	switch kind {
	case pb.OperationType_PUT, pb.OperationType_UPDATE, pb.OperationType_DELETE:
	default:
		return nil, invalid("Unknown operation type %d.", kind)
	}
	r, err := decodeOneRow(rowBytes, "row change")
	if err != nil {
		return nil, err
	}
	ch := &change{kind: kind, t: t, pk: r.PrimaryKey, cells: r.Cells, existence: cond.GetRowExistence(), ret: ret, size: len(rowBytes)}
	if kind == pb.OperationType_DELETE {
		if len(r.Cells) > 0 {
			return nil, invalid("A row deletion carries attribute columns.")
		}
	} else if r.Deleted {
		return nil, invalid("A put or update carries the delete-row marker.")
	}
	if err := t.checkPK(ch.pk, pkWrite); err != nil {
		return nil, err
	}
	if ch.autoIncrement() && kind != pb.OperationType_PUT {
		return nil, invalid("AUTO_INCREMENT placeholders are allowed in PutRow only.")
	}
	if err := t.checkCells(ch.cells, kind == pb.OperationType_UPDATE, s.now().UnixMilli()); err != nil {
		return nil, err
	}
	if kind == pb.OperationType_UPDATE && len(ch.cells) == 0 {
		return nil, invalid("UpdateRow changes no column.")
	}
	switch ch.existence {
	case pb.RowExistenceExpectation_IGNORE, pb.RowExistenceExpectation_EXPECT_EXIST, pb.RowExistenceExpectation_EXPECT_NOT_EXIST:
	default:
		return nil, invalid("Unknown row existence expectation %d.", ch.existence)
	}
	if b := cond.GetColumnCondition(); len(b) > 0 {
		f, ferr := filter.Parse(b)
		if ferr != nil {
			return nil, invalid("Invalid column condition: %v.", ferr)
		}
		ch.cond = f
	}
	if rt := ret.GetReturnType(); rt == pb.ReturnType_RT_AFTER_MODIFY && kind != pb.OperationType_UPDATE {
		return nil, invalid("RT_AFTER_MODIFY is supported by UpdateRow only.")
	}
	return ch, nil
}

func (ch *change) autoIncrement() bool {
	for _, c := range ch.pk {
		if c.Value.Type == plainbuf.AutoIncrement {
			return true
		}
	}
	return false
}

// rowAccess reads and writes the rows a change touches: the store within
// an Update, or a local transaction's view.
type rowAccess interface {
	get(t *table, key []byte) (*row, error)
	put(t *table, key []byte, r *row) error
	del(t *table, key []byte) error
	nextAutoIncrement(t *table) (int64, error)
	// logChange records an applied change in t's stream (t has one).
	logChange(t *table, c streamChange) error
}

// result is what a change returns to its caller.
type result struct {
	row []byte // plain buffer to return, if any
	cu  capacity
}
