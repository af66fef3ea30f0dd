package kv_test

import (
	"encoding/binary"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

const (
	benchValueSize = 200
	benchBatch     = 200
	benchWriters   = 32
)

var benchBucket = []byte("bench")

// benchKey returns the big-endian key for sequence number n.
func benchKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// reportRate reports count events per second under unit.
func reportRate(b *testing.B, count int, unit string) {
	b.ReportMetric(float64(count)/b.Elapsed().Seconds(), unit)
}

// BenchmarkBoltUpdate measures durable Updates of one 200-byte Put, from
// one goroutine and from about 32 concurrent ones sharing commits.
func BenchmarkBoltUpdate(b *testing.B) {
	value := make([]byte, benchValueSize)
	update := func(s kv.Store, seq *atomic.Uint64) {
		k := benchKey(seq.Add(1))
		if err := s.Update(func(w kv.Writer) error { return w.Put("bench", k, value) }); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		s, seq := openBench(b), new(atomic.Uint64)
		for b.Loop() {
			update(s, seq)
		}
		reportRate(b, b.N, "ops/s")
	})
	b.Run("parallel32", func(b *testing.B) {
		s, seq := openBench(b), new(atomic.Uint64)
		b.SetParallelism((benchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				update(s, seq)
			}
		})
		reportRate(b, b.N, "ops/s")
		st := s.(*kv.BoltStore).Stats()
		b.ReportMetric(float64(st.Updates)/float64(max(st.Commits, 1)), "updates/commit")
	})
}

// openBench opens a durable bolt store in a fresh temporary directory.
func openBench(b *testing.B) kv.Store {
	s, err := kv.OpenBolt(filepath.Join(b.TempDir(), "kv.db"), kv.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkBoltRaw measures bbolt itself: one Put per transaction, and 200
// Puts per transaction.
func BenchmarkBoltRaw(b *testing.B) {
	value := make([]byte, benchValueSize)
	b.Run("sequential", func(b *testing.B) {
		db, seq := openRaw(b), uint64(0)
		for b.Loop() {
			rawUpdate(b, db, func(bk *bolt.Bucket) error {
				seq++
				return bk.Put(benchKey(seq), value)
			})
		}
		reportRate(b, b.N, "ops/s")
	})
	b.Run("batch200", func(b *testing.B) {
		db, seq := openRaw(b), uint64(0)
		for b.Loop() {
			rawUpdate(b, db, func(bk *bolt.Bucket) error {
				for range benchBatch {
					seq++
					if err := bk.Put(benchKey(seq), value); err != nil {
						return err
					}
				}
				return nil
			})
		}
		reportRate(b, b.N*benchBatch, "rows/s")
	})
}

// openRaw opens a bbolt file with its defaults in a fresh directory.
func openRaw(b *testing.B) *bolt.DB {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// rawUpdate runs fn on the bench bucket in one bbolt transaction.
func rawUpdate(b *testing.B, db *bolt.DB, fn func(*bolt.Bucket) error) {
	err := db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(benchBucket)
		if err != nil {
			return err
		}
		return fn(bk)
	})
	if err != nil {
		b.Fatal(err)
	}
}
