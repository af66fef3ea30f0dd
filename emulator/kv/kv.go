package kv

// Store is an ordered key-value store of named buckets. Keys within a
// bucket are ordered bytewise.
type Store interface {
	// View runs fn against a consistent read-only snapshot.
	View(fn func(Reader) error) error
	// Update runs fn in a read-write transaction. Its writes apply
	// atomically when fn returns nil and not at all when it returns an
	// error; Update returns once they are durable (per the store's sync
	// setting). Concurrent Updates are grouped into shared commits.
	Update(fn func(Writer) error) error
	// Close waits for pending Updates and releases the store.
	Close() error
}

// Reader reads a snapshot. Slices it returns are valid only until the
// function it was passed to returns.
type Reader interface {
	// Get returns the value of key, or nil when absent.
	Get(bucket string, key []byte) []byte
	// Scan visits keys in order until fn returns false. Forward, it visits
	// from <= k < to ascending; in reverse, to < k <= from descending. A nil
	// from or to leaves that side unbounded.
	Scan(bucket string, from, to []byte, reverse bool, fn func(k, v []byte) bool) error
}

// Writer reads and writes within an Update. Reads see the writes fn made
// earlier.
type Writer interface {
	Reader
	// Put sets key to value, creating the bucket when needed. Store copies
	// key and value.
	Put(bucket string, key, value []byte) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(bucket string, key []byte) error
	// DeleteBucket removes a bucket and all its keys.
	DeleteBucket(bucket string) error
}
