package filter

import (
	"testing"

	ts "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// FuzzParse checks that Parse never panics and that whatever it accepts can
// be applied to a row.
func FuzzParse(f *testing.F) {
	seeds := []ts.ColumnFilter{
		eq("a", int64(1)),
		cond("s", ts.CT_GREATER_EQUAL, "x", true, false),
		cond("b", ts.CT_NOT_EQUAL, []byte{1}, false, true),
		eq("d", 2.5),
		eq("t", true),
		regexCond("s", `(\d+)`, ts.Variant_INTEGER, ts.CT_LESS_THAN, int64(9)),
		combine(ts.LO_AND, eq("a", int64(1)), combine(ts.LO_NOT, eq("s", "y"))),
		combine(ts.LO_OR, eq("a", int64(1)), eq("a", int64(2)), eq("d", 1.0)),
		&ts.PaginationFilter{Offset: 1, Limit: 2},
		&ts.PaginationFilter{Offset: 0, Limit: 0},
	}
	for _, s := range seeds {
		f.Add(s.Serialize())
	}
	f.Add([]byte{})
	f.Add([]byte{0x08, 0x09, 0x12, 0x00})
	f.Add(nestedNots(3))
	f.Add(combine(ts.LO_AND, conditions(10)...).Serialize())
	cells := []plainbuf.Cell{
		cell("a", 2, plainbuf.Int(1)), cell("a", 1, plainbuf.Int(2)),
		cell("b", 1, plainbuf.Bin([]byte{1})),
		cell("d", 1, plainbuf.Float(2.5)),
		cell("s", 2, plainbuf.Str("x12")), cell("s", 1, plainbuf.Str("y")),
		cell("t", 1, plainbuf.Bool(true)),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		flt, err := Parse(b)
		if err != nil {
			return
		}
		flt.Match(cells)
		flt.Match(nil)
		flt.Columns()
		if got := flt.Paginate(cells); len(got) > len(cells) {
			t.Fatalf("Paginate grew the row: %d cells from %d", len(got), len(cells))
		}
	})
}
