package kv_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

var scanCases = []behaviour{
	{"ScanBounds", testScanBounds},
	{"ScanEarlyStop", testScanEarlyStop},
	{"OverlayScanMerge", testOverlayScanMerge},
	{"RandomAgainstModel", testRandomAgainstModel},
}

// model is the expected content of one bucket.
type model map[string]string

// expect lists the "k=v" pairs Scan must visit in m.
func (m model) expect(from, to string, reverse bool) []string {
	var out []string
	for k, v := range m {
		if reverse && (from == "" || k <= from) && (to == "" || k > to) ||
			!reverse && (from == "" || k >= from) && (to == "" || k < to) {
			out = append(out, k+"="+v)
		}
	}
	slices.Sort(out)
	if reverse {
		slices.Reverse(out)
	}
	return out
}

// checkAllBounds compares every Scan of r over bounds with m.
func checkAllBounds(t *testing.T, r kv.Reader, bucket string, m model, bounds []string) {
	t.Helper()
	for _, from := range bounds {
		for _, to := range bounds {
			for _, rev := range []bool{false, true} {
				got, want := scan(t, r, bucket, from, to, rev), m.expect(from, to, rev)
				if !slices.Equal(got, want) {
					t.Errorf("Scan(%q, %q, reverse=%v) = %v, want %v", from, to, rev, got, want)
				}
			}
		}
	}
}

var scanBounds = []string{"", "a", "b", "c", "d", "e", "f", "g", "z"}

func testScanBounds(t *testing.T, s kv.Store) {
	m := model{"b": "1", "d": "2", "f": "3"}
	for k, v := range m {
		put(t, s, "b", k, v)
	}
	_ = s.View(func(r kv.Reader) error {
		checkAllBounds(t, r, "b", m, scanBounds)
		checkAllBounds(t, r, "missing", model{}, scanBounds)
		return nil
	})
	_ = s.Update(func(w kv.Writer) error {
		checkAllBounds(t, w, "b", m, scanBounds) // no writes: reads through
		_ = w.Put("b", []byte("x"), nil)
		_ = w.Delete("b", []byte("x")) // a tombstone for a key never stored
		checkAllBounds(t, w, "b", m, scanBounds)
		return nil
	})
	if got := viewScan(t, s, "b", "", "", false); !slices.Equal(got, m.expect("", "", false)) {
		t.Errorf("after no-op Update: %v", got)
	}
}

func testScanEarlyStop(t *testing.T, s kv.Store) {
	for _, k := range []string{"a", "b", "c", "d"} {
		put(t, s, "b", k, k)
	}
	check := func(r kv.Reader, where string) {
		for _, rev := range []bool{false, true} {
			var got []string
			_ = r.Scan("b", nil, nil, rev, func(k, _ []byte) bool {
				got = append(got, string(k))
				return len(got) < 2
			})
			want := []string{"a", "b"}
			if rev {
				want = []string{"d", "c"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s reverse=%v: visited %v, want %v", where, rev, got, want)
			}
		}
	}
	_ = s.View(func(r kv.Reader) error { check(r, "view"); return nil })
	_ = s.Update(func(w kv.Writer) error {
		_ = w.Put("b", []byte("a"), []byte("a"))
		_ = w.Put("b", []byte("d"), []byte("d"))
		check(w, "overlay")
		return nil
	})
}

func testOverlayScanMerge(t *testing.T, s kv.Store) {
	for k, v := range (model{"b": "1", "d": "2", "f": "3", "h": "4"}) {
		put(t, s, "b", k, v)
	}
	merged := model{"a": "A", "b": "1", "d": "D", "g": "G", "h": "4", "i": "I"}
	bounds := []string{"", "a", "b", "c", "d", "f", "g", "h", "i", "j"}
	err := s.Update(func(w kv.Writer) error {
		for _, op := range []string{"+a=A", "+d=D", "-f", "+g=G", "-x", "+i=I"} {
			applyOp(t, w, "b", op)
		}
		checkAllBounds(t, w, "b", merged, bounds)
		_ = w.DeleteBucket("b")
		applyOp(t, w, "b", "+c=C")
		checkAllBounds(t, w, "b", model{"c": "C"}, bounds)
		return errAbort
	})
	if err != errAbort {
		t.Fatalf("Update = %v", err)
	}
}

// applyOp applies "+k=v" (Put) or "-k" (Delete) to w.
func applyOp(t *testing.T, w kv.Writer, bucket, op string) {
	t.Helper()
	var err error
	if k, v, ok := strings.Cut(op[1:], "="); op[0] == '+' && ok {
		err = w.Put(bucket, []byte(k), []byte(v))
	} else {
		err = w.Delete(bucket, []byte(op[1:]))
	}
	if err != nil {
		t.Fatal(fmt.Errorf("apply %s: %w", op, err))
	}
}
