package kv

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// overlay is the Writer given to one Update fn. It buffers the fn's writes
// over a base Reader so they can be applied as a unit or thrown away.
type overlay struct {
	base    Reader
	buckets map[string]*bucketOverlay
	ops     int // number of buffered writes
	bytes   int // key and value bytes buffered
}

// bucketOverlay holds the buffered writes to one bucket. When dropped is
// set the bucket was deleted, so the base contents are hidden and only
// entries written afterwards are visible.
type bucketOverlay struct {
	dropped bool
	entries *tree
}

// newOverlay returns an empty overlay reading through to base.
func newOverlay(base Reader) *overlay {
	return &overlay{base: base, buckets: make(map[string]*bucketOverlay)}
}

// bucket returns the overlay of name, creating it when create is set.
func (o *overlay) bucket(name string, create bool) *bucketOverlay {
	b := o.buckets[name]
	if b == nil && create {
		b = &bucketOverlay{entries: newTree()}
		o.buckets[name] = b
	}
	return b
}

// Get returns the buffered value of key, or the base value when fn has not
// written key.
func (o *overlay) Get(bucket string, key []byte) []byte {
	if b := o.bucket(bucket, false); b != nil {
		if e, ok := lookup(b.entries, key); ok {
			if e.deleted {
				return nil
			}
			return e.value
		}
		if b.dropped {
			return nil
		}
	}
	return o.base.Get(bucket, key)
}

// Put buffers a copy of key and value.
func (o *overlay) Put(bucket string, key, value []byte) error {
	if err := checkPut(bucket, key, value); err != nil {
		return err
	}
	e := entry{key: clone(key), value: clone(value)}
	o.bucket(bucket, true).entries.ReplaceOrInsert(e)
	o.ops++
	o.bytes += len(e.key) + len(e.value)
	return nil
}

// Delete buffers a tombstone for key.
func (o *overlay) Delete(bucket string, key []byte) error {
	if bucket == "" || len(key) == 0 || len(key) > bolt.MaxKeySize {
		return nil // no such key can exist
	}
	e := entry{key: clone(key), deleted: true}
	o.bucket(bucket, true).entries.ReplaceOrInsert(e)
	o.ops++
	o.bytes += len(e.key)
	return nil
}

// DeleteBucket hides the base contents of bucket and forgets the writes fn
// made to it so far.
func (o *overlay) DeleteBucket(bucket string) error {
	b := o.bucket(bucket, true)
	b.dropped = true
	b.entries.Clear(false)
	o.ops++
	return nil
}

// Scan merges the buffered writes of bucket with the base contents.
func (o *overlay) Scan(bucket string, from, to []byte, reverse bool, fn func(k, v []byte) bool) error {
	b := o.bucket(bucket, false)
	if b == nil {
		return o.base.Scan(bucket, from, to, reverse, fn)
	}
	m := &merger{reverse: reverse, fn: fn}
	scanTree(b.entries, from, to, reverse, func(e entry) bool {
		m.pending = append(m.pending, e)
		return true
	})
	if !b.dropped {
		if err := o.base.Scan(bucket, from, to, reverse, m.visitBase); err != nil {
			return err
		}
	}
	m.flush(nil)
	return nil
}

// merger interleaves overlay entries, already in visiting order, with the
// keys of a base scan. An overlay entry replaces a base key it equals.
type merger struct {
	reverse bool
	fn      func(k, v []byte) bool
	pending []entry
	stopped bool
}

// visitBase is the callback of the base scan.
func (m *merger) visitBase(k, v []byte) bool {
	if !m.flush(k) {
		return false
	}
	if len(m.pending) > 0 && bytes.Equal(m.pending[0].key, k) {
		e := m.pending[0]
		m.pending = m.pending[1:]
		return m.emit(e)
	}
	m.stopped = !m.fn(k, v)
	return !m.stopped
}

// flush emits the pending entries that come before k in visiting order,
// or all of them when k is nil. It reports whether scanning continues.
func (m *merger) flush(k []byte) bool {
	for len(m.pending) > 0 && !m.stopped {
		if k != nil && !m.before(m.pending[0].key, k) {
			break
		}
		e := m.pending[0]
		m.pending = m.pending[1:]
		m.emit(e)
	}
	return !m.stopped
}

// emit passes e to fn unless it is a tombstone. It reports whether
// scanning continues.
func (m *merger) emit(e entry) bool {
	if !e.deleted && !m.stopped {
		m.stopped = !m.fn(e.key, e.value)
	}
	return !m.stopped
}

// before reports whether a is visited before b.
func (m *merger) before(a, b []byte) bool {
	c := bytes.Compare(a, b)
	if m.reverse {
		return c > 0
	}
	return c < 0
}
