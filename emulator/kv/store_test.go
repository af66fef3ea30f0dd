package kv_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// behaviour is one case of the suite run against every implementation.
type behaviour struct {
	name string
	run  func(t *testing.T, s kv.Store)
}

// TestStore runs every behaviour case against every implementation.
func TestStore(t *testing.T) {
	cases := slices.Concat(basicCases, scanCases)
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, im.open(t)) })
			}
		})
	}
}

var errAbort = errors.New("abort")

var basicCases = []behaviour{
	{"GetPutDelete", testGetPutDelete},
	{"EmptyValue", testEmptyValue},
	{"InvalidPut", testInvalidPut},
	{"ErrorDiscardsWrites", testErrorDiscardsWrites},
	{"PanicDiscardsWrites", testPanicDiscardsWrites},
	{"ReadsSeeOwnWrites", testReadsSeeOwnWrites},
	{"DeleteBucket", testDeleteBucket},
	{"ValuesCopied", testValuesCopied},
	{"CloseThenErrClosed", testCloseThenErrClosed},
}

func testGetPutDelete(t *testing.T, s kv.Store) {
	if got := get(t, s, "b", "k"); got != "<nil>" {
		t.Fatalf("missing bucket: got %q", got)
	}
	put(t, s, "b", "k", "v1")
	put(t, s, "b", "k", "v2")
	if got := get(t, s, "b", "k"); got != "v2" {
		t.Fatalf("after overwrite: got %q, want v2", got)
	}
	if got := get(t, s, "other", "k"); got != "<nil>" {
		t.Fatalf("other bucket: got %q", got)
	}
	if err := s.Update(func(w kv.Writer) error {
		if err := w.Delete("b", []byte("k")); err != nil {
			return err
		}
		return w.Delete("b", []byte("absent"))
	}); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "b", "k"); got != "<nil>" {
		t.Fatalf("after delete: got %q", got)
	}
}

func testEmptyValue(t *testing.T, s kv.Store) {
	put(t, s, "b", "k", "")
	_ = s.View(func(r kv.Reader) error {
		if v := r.Get("b", []byte("k")); v == nil || len(v) != 0 {
			t.Errorf("Get of empty value = %v, want empty non-nil", v)
		}
		return r.Scan("b", nil, nil, false, func(k, v []byte) bool {
			if v == nil {
				t.Errorf("Scan gave nil value for %q", k)
			}
			return true
		})
	})
}

func testInvalidPut(t *testing.T, s kv.Store) {
	for _, c := range []struct{ bucket, key string }{{"", "k"}, {"b", ""}} {
		err := s.Update(func(w kv.Writer) error { return w.Put(c.bucket, []byte(c.key), nil) })
		if err == nil {
			t.Errorf("Put(%q, %q) succeeded, want error", c.bucket, c.key)
		}
	}
}

func testErrorDiscardsWrites(t *testing.T, s kv.Store) {
	put(t, s, "b", "keep", "1")
	put(t, s, "c", "keep", "1")
	err := s.Update(func(w kv.Writer) error {
		_ = w.Put("b", []byte("new"), []byte("x"))
		_ = w.Put("b", []byte("keep"), []byte("changed"))
		_ = w.Delete("b", []byte("keep"))
		_ = w.DeleteBucket("c")
		_ = w.Put("d", []byte("k"), []byte("x"))
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Update error = %v, want %v", err, errAbort)
	}
	want := map[[2]string]string{{"b", "keep"}: "1", {"b", "new"}: "<nil>", {"c", "keep"}: "1", {"d", "k"}: "<nil>"}
	for bk, v := range want {
		if got := get(t, s, bk[0], bk[1]); got != v {
			t.Errorf("%s/%s = %q, want %q", bk[0], bk[1], got, v)
		}
	}
}

func testPanicDiscardsWrites(t *testing.T, s kv.Store) {
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want boom", p)
			}
		}()
		_ = s.Update(func(w kv.Writer) error {
			_ = w.Put("b", []byte("k"), []byte("v"))
			panic("boom")
		})
	}()
	if got := get(t, s, "b", "k"); got != "<nil>" {
		t.Fatalf("write of panicking fn is visible: %q", got)
	}
	put(t, s, "b", "k", "after")
	if got := get(t, s, "b", "k"); got != "after" {
		t.Fatalf("store unusable after panic: got %q", got)
	}
}

func testReadsSeeOwnWrites(t *testing.T, s kv.Store) {
	put(t, s, "b", "k", "1")
	err := s.Update(func(w kv.Writer) error {
		_ = w.Put("b", []byte("k"), []byte("2"))
		if got := show(w.Get("b", []byte("k"))); got != "2" {
			t.Errorf("Get after Put = %q, want 2", got)
		}
		_ = w.Delete("b", []byte("k"))
		if got := show(w.Get("b", []byte("k"))); got != "<nil>" {
			t.Errorf("Get after Delete = %q", got)
		}
		return w.Put("b", []byte("k"), []byte("3"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, "b", "k"); got != "3" {
		t.Fatalf("next Update reads %q, want 3", got)
	}
}

func testDeleteBucket(t *testing.T, s kv.Store) {
	put(t, s, "b", "k1", "1")
	put(t, s, "b", "k2", "2")
	put(t, s, "c", "k1", "1")
	err := s.Update(func(w kv.Writer) error {
		if err := w.DeleteBucket("missing"); err != nil {
			return err
		}
		if err := w.DeleteBucket("b"); err != nil {
			return err
		}
		if got := show(w.Get("b", []byte("k1"))); got != "<nil>" {
			t.Errorf("Get in dropped bucket = %q", got)
		}
		return w.Put("b", []byte("k3"), []byte("3"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := viewScan(t, s, "b", "", "", false); !slices.Equal(got, []string{"k3=3"}) {
		t.Errorf("bucket after drop and put = %v", got)
	}
	if got := get(t, s, "c", "k1"); got != "1" {
		t.Errorf("other bucket changed: %q", got)
	}
}

func testValuesCopied(t *testing.T, s kv.Store) {
	key, val := []byte("k"), []byte("value")
	err := s.Update(func(w kv.Writer) error {
		if err := w.Put("b", key, val); err != nil {
			return err
		}
		copy(val, "XXXXX")
		key[0] = 'z'
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copy(val, "YYYYY")
	if got := get(t, s, "b", "k"); got != "value" {
		t.Fatalf("stored value = %q, want value", got)
	}
}

func testCloseThenErrClosed(t *testing.T, s kv.Store) {
	put(t, s, "b", "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(kv.Reader) error { return nil }); !errors.Is(err, kv.ErrClosed) {
		t.Errorf("View after Close = %v", err)
	}
	if err := s.Update(func(kv.Writer) error { return nil }); !errors.Is(err, kv.ErrClosed) {
		t.Errorf("Update after Close = %v", err)
	}
	if err := s.Close(); !errors.Is(err, kv.ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
}
