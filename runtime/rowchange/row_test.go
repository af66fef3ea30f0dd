package rowchange_test

import (
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

type player struct {
	ID    string `tablestore:"id,pk"`
	Name  string `tablestore:"Name"`
	Score int64  `tablestore:"Score"`
	Level int8   `tablestore:"Level"`
}

func one(t *testing.T, r any) *rowchange.Change {
	t.Helper()
	b, err := rowchange.Decode(enc(t, payload(r)))
	if err != nil || len(b.Changes) != 1 {
		t.Fatal(err, b)
	}
	return &b.Changes[0]
}

// TestDecodeRow applies changes to a row type as Tablestore applies them
// to the row.
func TestDecodeRow(t *testing.T) {
	c := one(t, rec("PutRow", pk("id", "p1"), put("Name", "ann"), put("Score", int64(3)), put("_rfn_v", int64(9)), put("Other", true)))
	r, err := rowchange.RowOf[player](c)
	if err != nil || r.Value != (player{ID: "p1", Name: "ann", Score: 3}) || r.Type != rowchange.PutRow {
		t.Fatalf("PutRow: %+v, %v", r.Value, err)
	}
	// An update sets what it puts, zeroes what it deletes, keeps the rest;
	// of two versions of a column, the later wins.
	v := player{ID: "old", Name: "ann", Score: 3, Level: 2}
	up := one(t, rec("UpdateRow", pk("id", "p1"),
		m{"Type": "Put", "ColumnName": "Score", "Value": int64(7), "Timestamp": int64(20)},
		m{"Type": "Put", "ColumnName": "Score", "Value": int64(5), "Timestamp": int64(10)},
		m{"Type": "DeleteAllVersions", "ColumnName": "Name"},
		m{"Type": "DeleteOneVersion", "ColumnName": "Level", "Timestamp": int64(1)}))
	if err := up.Decode(&v); err != nil || v != (player{ID: "p1", Score: 7, Level: 2}) {
		t.Fatalf("UpdateRow: %+v, %v", v, err)
	}
	// A put replaces the row, a delete removes it: attributes start zero.
	v = player{Name: "x", Score: 1}
	if err := one(t, rec("DeleteRow", pk("id", "p2"))).Decode(&v); err != nil || v != (player{ID: "p2"}) {
		t.Fatalf("DeleteRow: %+v, %v", v, err)
	}
	for _, c := range []struct {
		name   string
		record any
		want   string
	}{
		{"missing key column", rec("PutRow", pk("user", "p1")), `rowchange: record 0: the row has no primary-key column "id" of rowchange_test.player (its key is user="p1")`},
		{"key of another type", rec("PutRow", pk("id", int64(1))), `rowchange: record 0: primary key: column "id" holds int64, field string is STRING`},
		{"value of another type", rec("PutRow", pk("id", "p"), put("Score", "high")), `rowchange: record 0: column "Score" holds string, field int64 is INTEGER`},
		{"overflow", rec("PutRow", pk("id", "p"), put("Level", int64(300))), `rowchange: record 0: column "Level": 300 overflows int8`},
	} {
		if _, err := rowchange.RowOf[player](one(t, c.record)); err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	if err := c.Decode(player{}); err == nil || !strings.Contains(err.Error(), "non-nil pointer to a struct") {
		t.Errorf("Decode(non-pointer) = %v", err)
	}
	if err := rowchange.Check[struct{ A int }](); err == nil || !strings.Contains(err.Error(), "primary-key fields") {
		t.Errorf("Check of a type without a key = %v", err)
	}
	if err := rowchange.Check[player](); err != nil {
		t.Error(err)
	}
	if one(t, rec("UpdateRow", pk("id", "p"), m{"Type": "DeleteAllVersions", "ColumnName": "_rfn_mabc"})).Bookkeeping() != true ||
		up.Bookkeeping() || c.Bookkeeping() {
		t.Error("Bookkeeping")
	}
}
