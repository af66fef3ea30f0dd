// Package kv is the ordered key-value layer under the local Tablestore
// server. A Store holds named buckets of keys ordered bytewise; it is read
// with View and written with Update.
//
// Two implementations share one set of semantics:
//
//   - OpenBolt keeps the data in a single bbolt file and is durable.
//   - NewMemory keeps it in memory, one B-tree per bucket, for tests.
//
// # Atomicity
//
// Every Update fn writes through its own overlay: Put, Delete and
// DeleteBucket are buffered, and reads through the Writer see them (Get
// looks in the overlay first, Scan merges the overlay with the stored data,
// honouring deletes and dropped buckets). When fn returns nil the overlay is
// applied as a whole; when it returns an error, or panics, the overlay is
// discarded and nothing it wrote becomes visible. The error, or the panic,
// reaches that caller only. Put copies its key and value, so the caller may
// reuse its slices at once. Buckets are created by the first Put into them;
// Get and Scan on a missing bucket see nothing.
//
// # Group commit
//
// A bolt store has one committer goroutine fed by a queue. It takes the
// first queued Update, begins a bbolt read-write transaction and, without
// waiting for more, keeps taking whatever is already queued: each fn runs in
// turn against its overlay, and each successful overlay is applied to the
// shared transaction, so a later fn in the group sees the writes of the
// earlier ones. Once the queue is empty, or the group reaches
// Options.MaxGroupUpdates fns or Options.MaxGroupBytes bytes, the
// transaction is committed once, paying bbolt's fsyncs once for the whole
// group, and all callers of the group are released. Updates queued meanwhile form the next group. A lone writer
// therefore pays one fsync per Update, while N concurrent writers share
// fsyncs; Stats reports how many Updates and commits there were. If the
// commit fails, every caller of the group receives the error; an Update
// whose fn failed never waits for the commit.
//
// Update returns only after its writes are on disk, unless Options.NoSync
// is set, in which case they survive a process crash but not a machine
// crash. Close stops taking Updates, lets the queued ones commit and closes
// the file; any call afterwards returns ErrClosed. A second process opening
// the same file fails after Options.LockTimeout with an error naming it.
//
// # Rules for callers
//
// Slices returned by Get and Scan are read-only and valid only until the fn
// they were obtained in returns. A fn must not call View or Update on the
// same store (the call would wait for itself) and must not call
// runtime.Goexit. In the memory store an Update excludes Views; in the bolt
// store Views read a snapshot and run alongside the committer.
package kv
