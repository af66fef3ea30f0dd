package filter

import (
	"slices"
	"testing"

	ts "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// names lists the cells' names, one per cell.
func names(cells []plainbuf.Cell) []string {
	var out []string
	for _, c := range cells {
		out = append(out, c.Name)
	}
	return out
}

func TestPaginate(t *testing.T) {
	wide := []plainbuf.Cell{
		cell("a", 2, plainbuf.Int(1)), cell("a", 1, plainbuf.Int(2)),
		cell("b", 1, plainbuf.Int(3)),
		cell("c", 3, plainbuf.Int(4)), cell("c", 2, plainbuf.Int(5)),
		cell("d", 1, plainbuf.Int(6)),
	}
	cases := []struct {
		name  string
		f     ts.ColumnFilter
		cells []plainbuf.Cell
		want  []string
	}{
		{"middle", &ts.PaginationFilter{Offset: 1, Limit: 2}, wide, []string{"b", "c", "c"}},
		{"first", &ts.PaginationFilter{Offset: 0, Limit: 1}, wide, []string{"a", "a"}},
		{"tail past end", &ts.PaginationFilter{Offset: 3, Limit: 10}, wide, []string{"d"}},
		{"all", &ts.PaginationFilter{Offset: 0, Limit: 4}, wide, []string{"a", "a", "b", "c", "c", "d"}},
		{"offset past end", &ts.PaginationFilter{Offset: 4, Limit: 1}, wide, nil},
		{"limit zero", &ts.PaginationFilter{Offset: 1, Limit: 0}, wide, nil},
		{"empty row", &ts.PaginationFilter{Offset: 0, Limit: 3}, nil, nil},
		{"condition leaves cells", eq("a", int64(1)), wide, []string{"a", "a", "b", "c", "c", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.f.Serialize())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := names(f.Paginate(tc.cells)); !slices.Equal(got, tc.want) {
				t.Errorf("Paginate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	cases := []struct {
		name string
		f    ts.ColumnFilter
		want []string
	}{
		{"single", eq("a", int64(1)), []string{"a"}},
		{"nested, repeated", combine(ts.LO_AND, eq("c", int64(1)),
			combine(ts.LO_OR, eq("a", "x"), combine(ts.LO_NOT, eq("c", 2.0)))), []string{"a", "c"}},
		{"pagination", &ts.PaginationFilter{Offset: 0, Limit: 1}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.f.Serialize())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := f.Columns(); !slices.Equal(got, tc.want) {
				t.Errorf("Columns = %v, want %v", got, tc.want)
			}
			if got, want := f.IsPagination(), tc.want == nil; got != want {
				t.Errorf("IsPagination = %v, want %v", got, want)
			}
		})
	}
}
