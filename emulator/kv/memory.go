package kv

import "sync"

// MemoryStore is a Store held in memory, one B-tree per bucket. Updates are
// serialized; Views share a read lock and so never overlap an Update.
type MemoryStore struct {
	mu      sync.RWMutex
	closed  bool
	buckets map[string]*tree
}

var _ Store = (*MemoryStore)(nil)

// NewMemory returns an empty in-memory store with the semantics of the
// bolt store, minus durability. The returned Store is a *MemoryStore.
func NewMemory() Store {
	return &MemoryStore{buckets: make(map[string]*tree)}
}

// View runs fn under the read lock.
func (m *MemoryStore) View(fn func(Reader) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	return fn(memReader{m})
}

// Update runs fn under the write lock against an overlay and applies the
// overlay when fn returns nil.
func (m *MemoryStore) Update(fn func(Writer) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	o := newOverlay(memReader{m})
	if err := fn(o); err != nil {
		return err
	}
	m.apply(o)
	return nil
}

// Close marks the store closed once running calls have finished.
func (m *MemoryStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.closed = true
	m.buckets = nil
	return nil
}

// apply moves the writes buffered in o into the store. The overlay owns
// its copies of keys and values, so they are stored without copying.
func (m *MemoryStore) apply(o *overlay) {
	for name, bo := range o.buckets {
		if bo.dropped {
			delete(m.buckets, name)
		}
		t := m.buckets[name]
		bo.entries.Ascend(func(e entry) bool {
			switch {
			case e.deleted && t != nil:
				t.Delete(e)
			case e.deleted:
			default:
				if t == nil {
					t = newTree()
					m.buckets[name] = t
				}
				t.ReplaceOrInsert(e)
			}
			return true
		})
	}
}

// memReader reads a MemoryStore whose lock the caller holds.
type memReader struct {
	m *MemoryStore
}

// Get returns the value of key, or nil when absent.
func (r memReader) Get(bucket string, key []byte) []byte {
	t := r.m.buckets[bucket]
	if t == nil {
		return nil
	}
	if e, ok := lookup(t, key); ok {
		return e.value
	}
	return nil
}

// Scan visits the keys of bucket within the bounds of Reader.Scan.
func (r memReader) Scan(bucket string, from, to []byte, reverse bool, fn func(k, v []byte) bool) error {
	t := r.m.buckets[bucket]
	if t == nil {
		return nil
	}
	scanTree(t, from, to, reverse, func(e entry) bool { return fn(e.key, e.value) })
	return nil
}
