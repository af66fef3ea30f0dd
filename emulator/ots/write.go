package ots

import (
	"encoding/binary"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// storeAccess is rowAccess on the store, within one Update.
type storeAccess struct {
	w kv.Writer
	s *Server
}

// logChange records the change in the same Update as its row.
func (a storeAccess) logChange(t *table, c streamChange) error {
	return a.s.appendStream(a.w, t.stream, []streamChange{c})
}

func (a storeAccess) get(t *table, key []byte) (*row, error) {
	b := a.w.Get(t.rowsBucket(), key)
	if b == nil {
		return nil, nil
	}
	return decodeRow(b)
}

func (a storeAccess) put(t *table, key []byte, r *row) error { return writeRow(a.w, t, key, r) }

func (a storeAccess) del(t *table, key []byte) error { return writeRow(a.w, t, key, nil) }

func (a storeAccess) nextAutoIncrement(t *table) (int64, error) {
	var n int64
	if b := a.w.Get(autoIncBucket, []byte(t.name)); len(b) == 8 {
		n = int64(binary.BigEndian.Uint64(b))
	}
	n++
	return n, a.w.Put(autoIncBucket, []byte(t.name), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// write applies one change, in its transaction when txnID is set, else in
// a store Update of its own. The partition lock and the cell timestamps
// are taken within the Update, where writes are applied one at a time.
func (s *Server) write(ch *change, txnID string) (*result, error) {
	if txnID != "" {
		return s.txns.apply(txnID, ch)
	}
	var res *result
	err := s.store.Update(func(w kv.Writer) error {
		t, err := s.liveTable(w, ch.t)
		if err != nil {
			return err
		}
		ch.t = t
		if err := s.txns.checkUnlocked(ch.t, ch.pk); err != nil {
			return err
		}
		res, err = apply(storeAccess{w: w, s: s}, ch, s.writeTime())
		return err
	})
	return res, err
}

func (s *Server) putRow(req *pb.PutRowRequest) (answer, error) {
	res, err := s.writeOne(req.GetTableName(), pb.OperationType_PUT, req.GetRow(), req.GetCondition(), req.GetReturnContent(), req.GetTransactionId())
	if err != nil {
		return nil, err
	}
	return writeReply{cu: res.cu, row: res.row}, nil
}

func (s *Server) updateRow(req *pb.UpdateRowRequest) (answer, error) {
	res, err := s.writeOne(req.GetTableName(), pb.OperationType_UPDATE, req.GetRowChange(), req.GetCondition(), req.GetReturnContent(), req.GetTransactionId())
	if err != nil {
		return nil, err
	}
	return writeReply{cu: res.cu, row: res.row}, nil
}

func (s *Server) deleteRow(req *pb.DeleteRowRequest) (answer, error) {
	res, err := s.writeOne(req.GetTableName(), pb.OperationType_DELETE, req.GetPrimaryKey(), req.GetCondition(), req.GetReturnContent(), req.GetTransactionId())
	if err != nil {
		return nil, err
	}
	return writeReply{cu: res.cu, row: res.row}, nil
}

func (s *Server) writeOne(name string, kind pb.OperationType, rowBytes []byte, cond *pb.Condition, ret *pb.ReturnContent, txnID string) (*result, error) {
	if len(rowBytes) > maxWriteRequest {
		return nil, invalid("The row change is %d bytes, more than %d.", len(rowBytes), maxWriteRequest)
	}
	t, err := s.tables.get(name)
	if err != nil {
		return nil, err
	}
	if t.index != nil {
		return nil, readOnlyIndex(t)
	}
	ch, err := s.parseChange(t, kind, rowBytes, cond, ret)
	if err != nil {
		return nil, err
	}
	return s.write(ch, txnID)
}

// readOnlyIndex is the error for a write to index table t.
func readOnlyIndex(t *table) *Error {
	return invalid("Table %q is an index table, which only reads take: write to its data table %q.", t.name, t.index.main)
}
