package store_test

import (
	"testing"

	"github.com/rocketfn/rocketfn/runtime/store"
)

// MarkerColumn names the marker the tests find in rows written under a
// key (markerOf), and IsBookkeeping holds for every column the DB adds.
func TestMarkerColumn(t *testing.T) {
	for _, key := range []string{"k1", "7F0000010BDD2A84AEE70DA49B57ABCD", ""} {
		if got, want := store.MarkerColumn(key), markerOf(key); got != want {
			t.Errorf("MarkerColumn(%q) = %s, want %s", key, got, want)
		}
	}
	for _, c := range []struct {
		column string
		want   bool
	}{{"_rfn_v", true}, {"_rfn_g", true}, {"_rfn_j123_4", true}, {markerOf("x"), true}, {"Name", false}, {"rfn_v", false}, {"", false}} {
		if got := store.IsBookkeeping(c.column); got != c.want {
			t.Errorf("IsBookkeeping(%q) = %v, want %v", c.column, got, c.want)
		}
	}
}
