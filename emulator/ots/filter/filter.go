package filter

import (
	"slices"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// MaxConditions is the most single column conditions one filter may hold,
// counted over all nesting levels.
const MaxConditions = 10

// MaxDepth is the most composite conditions Parse accepts nested inside one
// another.
const MaxDepth = 32

// Filter is a parsed filter or column condition. A Filter is immutable and
// safe for concurrent use.
type Filter struct {
	cond node  // nil for a column pagination filter
	page *page // non-nil for a column pagination filter
}

// node is a condition that a row's cells pass or fail.
type node interface {
	match(cells []plainbuf.Cell) bool
	appendColumns(dst []string) []string
}

// page is a column pagination filter.
type page struct {
	offset, limit int
}

// Parse decodes a serialized otsprotocol.Filter. Errors start with "filter: "
// and name what is wrong, for example "filter: single column condition:
// column_name missing" or "filter: 11 conditions, at most 10". Parse never
// panics, whatever the bytes.
func Parse(b []byte) (*Filter, error) {
	var p parser
	f, err := p.parseTop(b)
	if err != nil {
		return nil, err
	}
	if p.conditions > MaxConditions {
		return nil, errorf("%d conditions, at most %d", p.conditions, MaxConditions)
	}
	return f, nil
}

// IsPagination reports whether f is a column pagination filter, which is
// meaningful for reads only.
func (f *Filter) IsPagination() bool { return f.page != nil }

// Match reports whether a row's attribute cells pass f. cells holds all
// versions of all columns, sorted by column name ascending, then by
// Timestamp descending (newest first); cells without a value are ignored.
// A column pagination filter always matches.
func (f *Filter) Match(cells []plainbuf.Cell) bool {
	if f.cond == nil {
		return true
	}
	return f.cond.match(cells)
}

// Paginate returns the cells of the columns at positions [offset,
// offset+limit), counted by distinct column name, with all versions of each
// kept column, when f is a column pagination filter. Otherwise it returns
// cells unchanged. The result may share cells' backing array.
func (f *Filter) Paginate(cells []plainbuf.Cell) []plainbuf.Cell {
	if f.page == nil {
		return cells
	}
	start, end := len(cells), len(cells)
	col := -1
	for i, c := range cells {
		if i == 0 || c.Name != cells[i-1].Name {
			col++
			if col == f.page.offset {
				start = i
			}
			if col-f.page.offset == f.page.limit {
				end = i
				break
			}
		}
	}
	return cells[start:end]
}

// Columns returns the sorted, distinct names of the columns f's conditions
// read, so that a server reading only some columns can fetch these too. It
// returns nil for a column pagination filter.
func (f *Filter) Columns() []string {
	if f.cond == nil {
		return nil
	}
	names := f.cond.appendColumns(nil)
	slices.Sort(names)
	return slices.Compact(names)
}
