package ots

import (
	"bytes"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// rangeQuery is a validated GetRange.
type rangeQuery struct {
	t          *table
	spec       *readSpec
	start, end []byte // store keys of the bounds
	reverse    bool
	limit      int
	startPK    []plainbuf.Cell
}

func (s *Server) parseRange(req *pb.GetRangeRequest) (*rangeQuery, *Error) {
	t, err := s.tables.get(req.GetTableName())
	if err != nil {
		return nil, err
	}
	spec, err := parseReadSpec(req)
	if err != nil {
		return nil, err
	}
	q := &rangeQuery{t: t, spec: spec, reverse: req.GetDirection() == pb.Direction_BACKWARD, limit: maxRangeRows}
	if req.Limit != nil {
		if req.GetLimit() <= 0 {
			return nil, invalid("limit must be positive, got %d.", req.GetLimit())
		}
		q.limit = min(q.limit, int(req.GetLimit()))
	}
	start, err := decodeOneRow(req.GetInclusiveStartPrimaryKey(), "inclusive_start_primary_key")
	if err != nil {
		return nil, err
	}
	end, err := decodeOneRow(req.GetExclusiveEndPrimaryKey(), "exclusive_end_primary_key")
	if err != nil {
		return nil, err
	}
	for _, pk := range [][]plainbuf.Cell{start.PrimaryKey, end.PrimaryKey} {
		if err := t.checkPK(pk, pkBound); err != nil {
			return nil, err
		}
	}
	q.startPK = start.PrimaryKey
	q.start, q.end = appendKey(nil, start.PrimaryKey), appendKey(nil, end.PrimaryKey)
	c := bytes.Compare(q.start, q.end)
	switch {
	case !q.reverse && c >= 0:
		return nil, invalid("Begin key must be less than end key in FORWARD direction.")
	case q.reverse && c <= 0:
		return nil, invalid("Begin key must be greater than end key in BACKWARD direction.")
	}
	return q, nil
}

// page is one GetRange answer being built.
type page struct {
	rows    []byte
	n       int
	scanned int
	next    []plainbuf.Cell
}

// add takes one row of the range in order and reports whether to go on.
func (q *rangeQuery) add(p *page, r *row, nowMs int64) bool {
	if p.n >= q.limit || p.scanned >= maxRangeRows || len(p.rows) >= maxRangeBytes {
		p.next = r.pk
		return false
	}
	p.scanned++
	cells, ok := q.spec.project(q.t, r, nowMs)
	if !ok {
		return true
	}
	if p.rows == nil {
		p.rows = plainbuf.Append(nil, plainbuf.Row{PrimaryKey: r.pk, Cells: cells})
	} else {
		p.rows = plainbuf.AppendRow(p.rows, plainbuf.Row{PrimaryKey: r.pk, Cells: cells})
	}
	p.n++
	return true
}

func (s *Server) getRange(req *pb.GetRangeRequest) (answer, error) {
	q, err := s.parseRange(req)
	if err != nil {
		return nil, err
	}
	nowMs := s.now().UnixMilli()
	p := &page{}
	var serr error
	if id := req.GetTransactionId(); id != "" {
		serr = s.txns.scan(id, q, func(r *row) bool { return q.add(p, r, nowMs) })
	} else {
		serr = s.store.View(func(v kv.Reader) error {
			var derr error
			err := v.Scan(q.t.rowsBucket(), q.start, q.end, q.reverse, func(_, b []byte) bool {
				r, err := decodeRow(b)
				if err != nil {
					derr = err
					return false
				}
				return q.add(p, r, nowMs)
			})
			if derr != nil {
				return derr
			}
			return err
		})
	}
	if serr != nil {
		return nil, serr
	}
	reply := getRangeReply{cu: capacity{read: capacityUnits(len(p.rows))}, rows: p.rows}
	if p.next != nil {
		reply.next = plainbuf.Append(nil, plainbuf.Row{PrimaryKey: p.next})
	}
	return reply, nil
}

// batchGetRow reads each row independently from one snapshot; per-row
// errors (missing table, bad key) fail that row alone.
func (s *Server) batchGetRow(req *pb.BatchGetRowRequest) (answer, error) {
	total := 0
	for _, tr := range req.GetTables() {
		total += len(tr.GetPrimaryKey())
	}
	if total == 0 {
		return nil, invalid("BatchGetRow has no rows.")
	}
	if total > maxBatchGet {
		return nil, invalid("Rows count exceeds the upper limit: %d rows, at most %d.", total, maxBatchGet)
	}
	var reply batchReply
	nowMs := s.now().UnixMilli()
	err := s.store.View(func(v kv.Reader) error {
		for _, tr := range req.GetTables() {
			out := tableReply{name: tr.GetTableName()}
			for _, pkb := range tr.GetPrimaryKey() {
				out.rows = append(out.rows, s.batchGetOne(v, tr, pkb, nowMs))
			}
			reply.tables = append(reply.tables, out)
		}
		return nil
	})
	return reply, err
}

func (s *Server) batchGetOne(v kv.Reader, tr *pb.TableInBatchGetRowRequest, pkb []byte, nowMs int64) rowReply {
	fail := func(e *Error) rowReply { return rowReply{err: e} }
	t, err := s.tables.get(tr.GetTableName())
	if err != nil {
		return fail(err)
	}
	spec, err := parseReadSpec(tr)
	if err != nil {
		return fail(err)
	}
	pk, err := decodeOneRow(pkb, "primary key")
	if err != nil {
		return fail(err)
	}
	if err := t.checkPK(pk.PrimaryKey, pkRead); err != nil {
		return fail(err)
	}
	r, rerr := readRow(v, t, appendKey(nil, pk.PrimaryKey))
	if rerr != nil {
		return fail(asError(rerr))
	}
	out := []byte{}
	if r != nil {
		if cells, ok := spec.project(t, r, nowMs); ok {
			out = encodeRow(r.pk, cells)
		}
	}
	return rowReply{cu: capacity{read: capacityUnits(len(out))}, row: out}
}
