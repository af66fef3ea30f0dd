package ots

import (
	"cmp"
	"slices"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// row is a stored row: its primary key and its attribute cells, every
// version of every column, sorted by column name, then newest first.
type row struct {
	pk    []plainbuf.Cell
	cells []plainbuf.Cell
}

func (r *row) encode() []byte {
	n := 16
	for _, c := range append(r.pk, r.cells...) {
		n += len(c.Name) + c.Value.Size() + 32
	}
	return plainbuf.Append(make([]byte, 0, n), plainbuf.Row{PrimaryKey: r.pk, Cells: r.cells})
}

// decodeRow decodes a stored row, copying it out of the store's memory.
func decodeRow(b []byte) (*row, error) {
	pr, err := plainbuf.DecodeRow(append([]byte(nil), b...))
	if err != nil {
		return nil, err
	}
	return &row{pk: pr.PrimaryKey, cells: pr.Cells}, nil
}

// sortCells orders cells by name, then newest first.
func sortCells(cells []plainbuf.Cell) {
	slices.SortStableFunc(cells, func(a, b plainbuf.Cell) int {
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(b.Timestamp, a.Timestamp)
	})
}

// trimVersions keeps at most max versions per column, dropping the oldest,
// and drops versions with the same timestamp as a newer entry (the later
// write wins). cells must be sorted.
func trimVersions(cells []plainbuf.Cell, max int32) []plainbuf.Cell {
	out := cells[:0]
	var name string
	var n int32
	for i, c := range cells {
		if i == 0 || c.Name != name {
			name, n = c.Name, 0
		} else if c.Timestamp == out[len(out)-1].Timestamp {
			continue
		}
		if n < max {
			out = append(out, c)
			n++
		}
	}
	return out
}

// live returns the cells visible now under the table's TTL.
func (t *table) live(cells []plainbuf.Cell, nowMs int64) []plainbuf.Cell {
	if t.ttl <= 0 {
		return cells
	}
	oldest := nowMs - int64(t.ttl)*1000
	var out []plainbuf.Cell
	for _, c := range cells {
		if c.Timestamp >= oldest {
			out = append(out, c)
		}
	}
	return out
}

// newestByName returns the newest version of each column named.
func newest(cells []plainbuf.Cell, name string) (plainbuf.Cell, bool) {
	i, ok := slices.BinarySearchFunc(cells, name, func(c plainbuf.Cell, n string) int { return cmp.Compare(c.Name, n) })
	if !ok {
		return plainbuf.Cell{}, false
	}
	return cells[i], true
}
