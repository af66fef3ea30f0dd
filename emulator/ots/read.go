package ots

import (
	"slices"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/filter"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// readSpec is what a read returns of each row: which columns, versions and
// time range, and the filter rows must pass.
type readSpec struct {
	columns     []string // empty: all
	timeRange   *pb.TimeRange
	maxVersions int32 // 0: as many as the table keeps
	filter      *filter.Filter
	startColumn string
	endColumn   string
}

// readParams is the part of a read request that says what to return.
type readParams interface {
	GetColumnsToGet() []string
	GetTimeRange() *pb.TimeRange
	GetMaxVersions() int32
	GetFilter() []byte
	GetStartColumn() string
	GetEndColumn() string
}

func parseReadSpec(p readParams) (*readSpec, *Error) {
	rs := &readSpec{columns: p.GetColumnsToGet(), timeRange: p.GetTimeRange(), maxVersions: p.GetMaxVersions(),
		startColumn: p.GetStartColumn(), endColumn: p.GetEndColumn()}
	if len(rs.columns) > maxColumnsGet {
		return nil, invalid("columns_to_get has %d columns, more than %d.", len(rs.columns), maxColumnsGet)
	}
	if rs.timeRange == nil && rs.maxVersions == 0 {
		return nil, invalid("Neither max_versions nor time_range is set.")
	}
	if rs.maxVersions < 0 {
		return nil, invalid("max_versions must be positive, got %d.", rs.maxVersions)
	}
	if tr := rs.timeRange; tr != nil && tr.SpecificTime == nil {
		if tr.GetStartTime() < 0 || tr.EndTime == nil || tr.GetStartTime() >= tr.GetEndTime() {
			return nil, invalid("Invalid time_range [%d, %d): start must be non-negative and less than end.", tr.GetStartTime(), tr.GetEndTime())
		}
	}
	if b := p.GetFilter(); len(b) > 0 {
		f, err := filter.Parse(b)
		if err != nil {
			return nil, invalid("Invalid filter: %v.", err)
		}
		rs.filter = f
	}
	return rs, nil
}

// project returns the cells of r a read returns, and whether the row is
// returned at all.
func (rs *readSpec) project(t *table, r *row, nowMs int64) ([]plainbuf.Cell, bool) {
	live := t.live(r.cells, nowMs)
	if len(r.cells) > 0 && len(live) == 0 {
		return nil, false // every version expired: the row is gone
	}
	var cells []plainbuf.Cell
	var name string
	var n int32
	for _, c := range live {
		if !rs.inTime(c.Timestamp) {
			continue
		}
		if c.Name != name {
			name, n = c.Name, 0
		}
		if rs.maxVersions > 0 && n >= rs.maxVersions {
			continue
		}
		n++
		cells = append(cells, c)
	}
	cells = rs.selectColumns(cells)
	if rs.filter != nil { // the filter sees the columns the read returns, as the service's does
		if !rs.filter.Match(cells) {
			return nil, false
		}
		cells = rs.filter.Paginate(cells)
	}
	if len(rs.columns) > 0 && len(cells) == 0 && !rs.wantsPK(t) {
		return nil, false // none of the requested columns exist
	}
	return cells, true
}

func (rs *readSpec) inTime(ts int64) bool {
	tr := rs.timeRange
	switch {
	case tr == nil:
		return true
	case tr.SpecificTime != nil:
		return ts == tr.GetSpecificTime()
	}
	return ts >= tr.GetStartTime() && ts < tr.GetEndTime()
}

// selectColumns keeps columns_to_get and the start/end column range.
func (rs *readSpec) selectColumns(cells []plainbuf.Cell) []plainbuf.Cell {
	out := cells[:0:0]
	for _, c := range cells {
		if len(rs.columns) > 0 && !slices.Contains(rs.columns, c.Name) {
			continue
		}
		if (rs.startColumn != "" && c.Name < rs.startColumn) || (rs.endColumn != "" && c.Name >= rs.endColumn) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// wantsPK reports whether columns_to_get names a primary-key column: such
// a read returns the row even when it has no attribute columns.
func (rs *readSpec) wantsPK(t *table) bool {
	for _, k := range t.pk {
		if slices.Contains(rs.columns, k.name) {
			return true
		}
	}
	return false
}

// encodeRow is the plain buffer of one row a read returns.
func encodeRow(pk, cells []plainbuf.Cell) []byte {
	return plainbuf.Append(nil, plainbuf.Row{PrimaryKey: pk, Cells: cells})
}

// getRow reads one row; a missing row is an empty row, not an error.
func (s *Server) getRow(req *pb.GetRowRequest) (answer, error) {
	t, err := s.tables.get(req.GetTableName())
	if err != nil {
		return nil, err
	}
	rs, err := parseReadSpec(req)
	if err != nil {
		return nil, err
	}
	pk, err := decodeOneRow(req.GetPrimaryKey(), "primary key")
	if err != nil {
		return nil, err
	}
	if err := t.checkPK(pk.PrimaryKey, pkRead); err != nil {
		return nil, err
	}
	var r *row
	var gerr error
	if id := req.GetTransactionId(); id != "" {
		r, gerr = s.txns.get(id, t, pk.PrimaryKey)
	} else {
		gerr = s.store.View(func(v kv.Reader) error {
			var err error
			r, err = readRow(v, t, appendKey(nil, pk.PrimaryKey))
			return err
		})
	}
	if gerr != nil {
		return nil, gerr
	}
	out := []byte{}
	if r != nil {
		if cells, ok := rs.project(t, r, s.now().UnixMilli()); ok {
			out = encodeRow(r.pk, cells)
		}
	}
	return getRowReply{cu: capacity{read: capacityUnits(len(out))}, row: out}, nil
}

func readRow(v kv.Reader, t *table, key []byte) (*row, error) {
	b := v.Get(t.rowsBucket(), key)
	if b == nil {
		return nil, nil
	}
	return decodeRow(b)
}
