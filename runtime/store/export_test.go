package store

import "time"

// SetClock replaces the clock that stamps and expires markers.
func SetClock(db *DB, now func() time.Time) { db.now = now }

// SetRand replaces the source of backoff jitter.
func SetRand(db *DB, f func() float64) { db.rand = f }
