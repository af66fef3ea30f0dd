package ots

import (
	"sync"
	"sync/atomic"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// StreamSignal returns a channel that is closed once, after the call,
// stream records have been committed or a table has been created,
// updated (a stream enabled or disabled among others) or deleted, for a
// stream consumer in the same process to wait on instead of polling. A
// consumer takes the channel before it reads the stream, reads, and
// waits on it only when it found nothing new: no commit between the two
// goes unseen. The channel may also close when there is nothing new for
// the consumer (a record of another table, say).
func (s *Server) StreamSignal() <-chan struct{} { return s.signal.wait() }

// streamSignal wakes stream consumers.
type streamSignal struct {
	mu sync.Mutex
	ch chan struct{} // closed by the next fire; nil until someone waits
	// appended counts the Updates that appended stream records,
	// committed or not yet.
	appended atomic.Uint64
}

func (g *streamSignal) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *streamSignal) fire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}

// signalStore is the server's store: an Update that appended stream
// records fires the signal once it has returned, that is once its
// records are committed and readable.
type signalStore struct {
	kv.Store
	signal *streamSignal
}

func (s signalStore) Update(fn func(kv.Writer) error) error {
	before := s.signal.appended.Load()
	err := s.Store.Update(fn)
	if s.signal.appended.Load() != before {
		s.signal.fire()
	}
	return err
}
