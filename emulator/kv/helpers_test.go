package kv_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// impl is one Store implementation under test.
type impl struct {
	name string
	open func(t testing.TB) kv.Store
}

// impls returns the constructors the behaviour suite runs against.
func impls() []impl {
	return []impl{
		{"bolt", func(t testing.TB) kv.Store {
			return openBolt(t, filepath.Join(t.TempDir(), "kv.db"), kv.Options{NoSync: true})
		}},
		{"memory", func(t testing.TB) kv.Store {
			s := kv.NewMemory()
			t.Cleanup(func() { closeQuietly(t, s) })
			return s
		}},
	}
}

// openBolt opens a bolt store closed at the end of the test.
func openBolt(t testing.TB, path string, opts kv.Options) kv.Store {
	t.Helper()
	s, err := kv.OpenBolt(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeQuietly(t, s) })
	return s
}

// closeQuietly closes s, tolerating an earlier Close.
func closeQuietly(t testing.TB, s kv.Store) {
	if err := s.Close(); err != nil && !errors.Is(err, kv.ErrClosed) {
		t.Errorf("close: %v", err)
	}
}

// put writes key=value in its own Update.
func put(t testing.TB, s kv.Store, bucket, key, value string) {
	t.Helper()
	if err := s.Update(func(w kv.Writer) error {
		return w.Put(bucket, []byte(key), []byte(value))
	}); err != nil {
		t.Fatal(err)
	}
}

// get reads key in a View; absent keys read as "<nil>".
func get(t testing.TB, s kv.Store, bucket, key string) string {
	t.Helper()
	var got string
	if err := s.View(func(r kv.Reader) error {
		got = show(r.Get(bucket, []byte(key)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// show renders a value, marking nil.
func show(v []byte) string {
	if v == nil {
		return "<nil>"
	}
	return string(v)
}

// bound converts "" to a nil bound.
func bound(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// scan collects "k=v" pairs visited by r.Scan.
func scan(t testing.TB, r kv.Reader, bucket, from, to string, reverse bool) []string {
	t.Helper()
	var out []string
	err := r.Scan(bucket, bound(from), bound(to), reverse, func(k, v []byte) bool {
		out = append(out, string(k)+"="+string(v))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// viewScan runs scan inside a View.
func viewScan(t testing.TB, s kv.Store, bucket, from, to string, reverse bool) []string {
	t.Helper()
	var out []string
	if err := s.View(func(r kv.Reader) error {
		out = scan(t, r, bucket, from, to, reverse)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
