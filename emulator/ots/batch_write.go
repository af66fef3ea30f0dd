package ots

import (
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// batchRow is one row of a BatchWriteRow: its change, or the error that
// already failed it.
type batchRow struct {
	ch  *change
	err *Error
	res *result
}

// batchWriteRow applies every row independently, in one store commit: a
// row that fails (bad change, condition, missing table) fails alone.
// Request-level errors: no rows, more than 200, duplicate rows.
func (s *Server) batchWriteRow(req *pb.BatchWriteRowRequest) (answer, error) {
	tables, err := s.parseBatchWrite(req)
	if err != nil {
		return nil, err
	}
	if txnID := req.GetTransactionId(); txnID != "" {
		s.applyBatchInTxn(txnID, tables)
	} else if err := s.applyBatch(tables); err != nil {
		return nil, err
	}
	reply := batchReply{tables: make([]tableReply, len(tables))}
	for i, tr := range req.GetTables() {
		out := tableReply{name: tr.GetTableName(), rows: make([]rowReply, len(tables[i]))}
		for j, br := range tables[i] {
			if br.err != nil {
				out.rows[j] = rowReply{err: br.err}
			} else {
				out.rows[j] = rowReply{cu: br.res.cu, row: br.res.row}
			}
		}
		reply.tables[i] = out
	}
	return reply, nil
}

func (s *Server) parseBatchWrite(req *pb.BatchWriteRowRequest) ([][]*batchRow, *Error) {
	total, size := 0, 0
	for _, tr := range req.GetTables() {
		total += len(tr.GetRows())
		for _, r := range tr.GetRows() {
			size += len(r.GetRowChange())
		}
	}
	if size > maxWriteRequest {
		return nil, invalid("The rows of BatchWriteRow are %d bytes, more than %d.", size, maxWriteRequest)
	}
	if total == 0 {
		return nil, invalid("BatchWriteRow has no rows.")
	}
	if total > maxBatchWrite {
		return nil, invalid("Rows count exceeds the upper limit: %d rows, at most %d.", total, maxBatchWrite)
	}
	out := make([][]*batchRow, len(req.GetTables()))
	seenTable := map[string]bool{}
	for i, tr := range req.GetTables() {
		if seenTable[tr.GetTableName()] {
			return nil, invalid("Duplicated table name: %q.", tr.GetTableName())
		}
		seenTable[tr.GetTableName()] = true
		t, terr := s.tables.get(tr.GetTableName())
		if terr == nil && t.index != nil {
			terr = readOnlyIndex(t)
		}
		seen := map[string]bool{}
		for _, r := range tr.GetRows() {
			br := &batchRow{err: terr}
			if terr == nil {
				br.ch, br.err = s.parseChange(t, r.GetType(), r.GetRowChange(), r.GetCondition(), r.GetReturnContent())
			}
			if br.ch != nil && !br.ch.autoIncrement() {
				k := string(appendKey(nil, br.ch.pk))
				if seen[k] {
					return nil, invalid("Duplicated primary key in table %q.", t.name)
				}
				seen[k] = true
			}
			out[i] = append(out[i], br)
		}
	}
	return out, nil
}

// applyBatch runs the batch's changes in one Update, with one write time.
// Rows of partitions locked by a transaction fail with
// OTSRowOperationConflict.
func (s *Server) applyBatch(tables [][]*batchRow) error {
	return s.store.Update(func(w kv.Writer) error {
		nowMs := s.writeTime()
		for _, rows := range tables {
			for _, br := range rows {
				if br.ch != nil && br.err == nil {
					if err := s.txns.checkUnlocked(br.ch.t, br.ch.pk); err != nil {
						br.err = err
					}
				}
			}
		}
		for _, rows := range tables {
			var live *table
			var gone error
			for _, br := range rows {
				if br.ch == nil || br.err != nil {
					continue
				}
				if live == nil && gone == nil {
					live, gone = s.liveTable(w, br.ch.t)
				}
				if gone != nil {
					br.err = asError(gone)
					continue
				}
				br.ch.t = live
				res, err := apply(storeAccess{w: w, s: s}, br.ch, nowMs)
				if err != nil {
					if e := asError(err); e.Code == CodeInternalServerError {
						return err // the store failed: fail the request
					} else {
						br.err = e
					}
					continue
				}
				br.res = res
			}
		}
		return nil
	})
}

func (s *Server) applyBatchInTxn(txnID string, tables [][]*batchRow) {
	for _, rows := range tables {
		for _, br := range rows {
			if br.ch == nil || br.err != nil {
				continue
			}
			res, err := s.txns.apply(txnID, br.ch)
			if err != nil {
				br.err = asError(err)
				continue
			}
			br.res = res
		}
	}
}
