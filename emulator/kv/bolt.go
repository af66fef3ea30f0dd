package kv

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// BoltStore is a durable Store kept in one bbolt file. Concurrent Updates
// are group committed by a single committer goroutine.
type BoltStore struct {
	db   *bolt.DB
	path string
	opts Options

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *request
	done   chan struct{} // closed when the committer exits

	updates, commits, largest atomic.Uint64
	lastGroup                 int // size of the previous group; committer only
}

var _ Store = (*BoltStore)(nil)

// request is one queued Update.
type request struct {
	fn       func(Writer) error
	err      error
	panicVal any
	done     chan struct{}
}

// ErrLocked is the error of OpenBolt when another process holds the file.
var ErrLocked = errors.New("file is locked by another process")

// OpenBolt opens or creates the bbolt file at path. It fails with an error
// naming path, and matching ErrLocked, when another process holds the
// file for longer than opts.LockTimeout.
// The returned Store is a *BoltStore.
func OpenBolt(path string, opts Options) (Store, error) {
	opts = opts.withDefaults()
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        opts.LockTimeout,
		NoSync:         opts.NoSync,
		NoFreelistSync: true, // rebuilt at open: commits write less
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("kv: open %s: %w (waited %v)", path, ErrLocked, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("kv: open %s: %w", path, err)
	}
	s := &BoltStore{
		db:    db,
		path:  path,
		opts:  opts,
		queue: make(chan *request, opts.MaxGroupUpdates),
		done:  make(chan struct{}),
	}
	go s.commitLoop()
	return s, nil
}

// Path returns the file the store was opened on.
func (s *BoltStore) Path() string { return s.path }

// View runs fn in a bolt read transaction. Views run concurrently with each
// other and with the committer.
func (s *BoltStore) View(fn func(Reader) error) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	err := s.db.View(func(tx *bolt.Tx) error { return fn(boltReader{tx}) })
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// Update queues fn for the committer and waits until the commit holding
// its writes is durable. A panic in fn is re-raised in the caller.
func (s *BoltStore) Update(fn func(Writer) error) error {
	r := &request{fn: fn, done: make(chan struct{})}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	s.queue <- r
	s.mu.RUnlock()
	<-r.done
	if r.panicVal != nil {
		panic(r.panicVal)
	}
	return r.err
}

// Close stops accepting Updates, waits for the queued ones to commit and
// closes the file.
func (s *BoltStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.done
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("kv: close %s: %w", s.path, err)
	}
	return nil
}

// Stats returns the update and commit counters.
func (s *BoltStore) Stats() Stats {
	return Stats{
		Updates:      s.updates.Load(),
		Commits:      s.commits.Load(),
		LargestGroup: s.largest.Load(),
	}
}
