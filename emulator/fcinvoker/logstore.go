package fcinvoker

import "sync"

// logStore keeps the log lines of requests in memory, by request ID. The
// whole store holds at most max bytes, one request at most max/4: lines
// past that are dropped after a note saying so, and when the store is
// full the oldest requests' logs are evicted first.
type logStore struct {
	mu    sync.Mutex
	max   int
	size  int
	byID  map[string]*requestLog
	order []string // request IDs, oldest first
}

type requestLog struct {
	buf       []byte
	truncated bool
}

const truncatedNote = "fcinvoker: further lines of this request were dropped\n"

func newLogStore(max int) *logStore {
	return &logStore{max: max, byID: make(map[string]*requestLog)}
}

// add appends line, without its newline, to the log of request id.
func (s *logStore) add(id, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.byID[id]
	if l == nil {
		l = &requestLog{}
		s.byID[id] = l
		s.order = append(s.order, id)
	}
	if l.truncated {
		return
	}
	n := len(l.buf)
	if n+len(line)+1 > s.max/4 {
		l.truncated = true
		l.buf = append(l.buf, truncatedNote...)
	} else {
		l.buf = append(append(l.buf, line...), '\n')
	}
	s.size += len(l.buf) - n
	s.evict()
}

// evict drops the oldest requests' logs until the store fits, keeping the
// newest one.
func (s *logStore) evict() {
	for s.size > s.max && len(s.order) > 1 {
		id := s.order[0]
		s.order = s.order[1:]
		s.size -= len(s.byID[id].buf)
		delete(s.byID, id)
	}
}

// get returns a copy of the log of request id, nil if none is kept.
func (s *logStore) get(id string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.byID[id]; l != nil {
		return append([]byte(nil), l.buf...)
	}
	return nil
}
