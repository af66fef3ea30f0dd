package kv_test

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

const (
	writers          = 32
	updatesPerWriter = 40
)

// increment adds one to the uint64 counter at bucket/key.
func increment(w kv.Writer, bucket, key string) error {
	var n uint64
	if v := w.Get(bucket, []byte(key)); v != nil {
		n = binary.BigEndian.Uint64(v)
	}
	return w.Put(bucket, []byte(key), binary.BigEndian.AppendUint64(nil, n+1))
}

// counter reads a counter written by increment.
func counter(t *testing.T, s kv.Store, bucket, key string) uint64 {
	t.Helper()
	var n uint64
	_ = s.View(func(r kv.Reader) error {
		if v := r.Get(bucket, []byte(key)); v != nil {
			n = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return n
}

// hammer runs writers goroutines, each doing updatesPerWriter Updates that
// increment a shared counter, a counter shared by a quarter of the
// writers and the writer's own counter.
func hammer(t *testing.T, s kv.Store) {
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for range updatesPerWriter {
				err := s.Update(func(w kv.Writer) error {
					if err := increment(w, "c", "shared"); err != nil {
						return err
					}
					if err := increment(w, "quarter", fmt.Sprint(g%4)); err != nil {
						return err
					}
					return increment(w, "own", fmt.Sprint(g))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestConcurrentCounters checks that concurrent read-modify-write Updates
// lose no increments.
func TestConcurrentCounters(t *testing.T) {
	for _, im := range impls() {
		t.Run(im.name, func(t *testing.T) {
			s := im.open(t)
			hammer(t, s)
			if got := counter(t, s, "c", "shared"); got != writers*updatesPerWriter {
				t.Errorf("shared = %d, want %d", got, writers*updatesPerWriter)
			}
			for q := range 4 {
				if got := counter(t, s, "quarter", fmt.Sprint(q)); got != writers/4*updatesPerWriter {
					t.Errorf("quarter %d = %d, want %d", q, got, writers/4*updatesPerWriter)
				}
			}
			for g := range writers {
				if got := counter(t, s, "own", fmt.Sprint(g)); got != updatesPerWriter {
					t.Errorf("own %d = %d, want %d", g, got, updatesPerWriter)
				}
			}
		})
	}
}

// TestBoltGroupCommit checks that concurrent durable Updates share
// commits.
func TestBoltGroupCommit(t *testing.T) {
	s := openBolt(t, filepath.Join(t.TempDir(), "kv.db"), kv.Options{})
	hammer(t, s)
	st := s.(*kv.BoltStore).Stats()
	t.Logf("stats: %+v", st)
	if st.Updates != writers*updatesPerWriter {
		t.Errorf("Updates = %d, want %d", st.Updates, writers*updatesPerWriter)
	}
	if st.Commits == 0 || st.Commits >= st.Updates {
		t.Errorf("Commits = %d, want between 1 and Updates (%d)", st.Commits, st.Updates)
	}
	if st.LargestGroup < 2 {
		t.Errorf("LargestGroup = %d, want at least 2", st.LargestGroup)
	}
}
