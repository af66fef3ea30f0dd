package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

var errFail = errors.New("fail")

// bump increments the counter at g/n and returns its new value.
func bump(w Writer) uint64 {
	var n uint64
	if v := w.Get("g", []byte("n")); v != nil {
		n = binary.BigEndian.Uint64(v)
	}
	_ = w.Put("g", []byte("n"), binary.BigEndian.AppendUint64(nil, n+1))
	return n + 1
}

// openTestBolt opens a bolt store closed at the end of the test.
func openTestBolt(t *testing.T, opts Options) *BoltStore {
	s, err := OpenBolt(filepath.Join(t.TempDir(), "kv.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.(*BoltStore)
}

// waitQueued waits until n requests sit in the queue, which nothing
// signals: the Updates block in their send to it.
func waitQueued(t *testing.T, s *BoltStore, n int) {
	t.Helper()
	testwait.Until(t, 5*time.Second, fmt.Sprintf("%d requests queued", n), func() bool { return len(s.queue) >= n })
}

// TestGroupIsolation holds the committer inside one fn until more Updates
// are queued, then checks they all share one commit, see each other's
// writes in order and do not see the writes of failed fns.
func TestGroupIsolation(t *testing.T) {
	s := openTestBolt(t, Options{})
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.Update(func(w Writer) error { bump(w); close(started); <-release; return nil })
	})
	<-started
	const queued = 20
	errs := make([]error, queued)
	for i := range queued {
		wg.Go(func() {
			defer func() { _ = recover() }()
			errs[i] = s.Update(func(w Writer) error {
				bump(w)
				switch i {
				case 3:
					return errFail
				case 7:
					panic("boom")
				}
				return nil
			})
		})
	}
	waitQueued(t, s, queued)
	close(release)
	wg.Wait()
	if err := s.View(func(r Reader) error {
		if n := binary.BigEndian.Uint64(r.Get("g", []byte("n"))); n != queued-1 {
			t.Errorf("counter = %d, want %d", n, queued-1)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(errs[3], errFail) {
		t.Errorf("failed fn returned %v", errs[3])
	}
	if st := s.Stats(); st.Commits != 1 || st.Updates != queued+1 {
		t.Errorf("stats = %+v, want 1 commit of %d updates", st, queued+1)
	}
}

// TestCommitErrorReachesGroup checks that a failed commit is reported to
// every caller of the group.
func TestCommitErrorReachesGroup(t *testing.T) {
	s := openTestBolt(t, Options{})
	tx, err := s.db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	g := &group{tx: tx}
	reqs := []*request{
		{fn: func(w Writer) error { bump(w); return nil }, done: make(chan struct{})},
		{fn: func(w Writer) error { bump(w); return nil }, done: make(chan struct{})},
	}
	for _, r := range reqs {
		g.run(r)
	}
	_ = tx.Rollback() // makes the commit fail
	committed, err := g.commit(s.path)
	if committed || err == nil {
		t.Fatalf("commit of a closed transaction: committed=%v err=%v", committed, err)
	}
	g.release(err)
	for i, r := range reqs {
		<-r.done
		if r.err == nil {
			t.Errorf("request %d: no error after failed commit", i)
		}
	}
}

// TestGroupLimits checks that a group stops at MaxGroupUpdates fns or
// once it has written MaxGroupBytes.
func TestGroupLimits(t *testing.T) {
	cases := []struct {
		name    string
		opts    Options
		queue   int // requests to wait for before releasing the first
		largest uint64
	}{
		{"updates", Options{MaxGroupUpdates: 4}, 4, 4},
		{"bytes", Options{MaxGroupBytes: 250}, 12, 4}, // ~100 bytes per fn
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openTestBolt(t, c.opts)
			runHeldGroup(t, s, 12, c.queue)
			if st := s.Stats(); st.LargestGroup > c.largest || st.Updates != 13 {
				t.Errorf("stats = %+v, want 13 updates in groups of at most %d", st, c.largest)
			}
		})
	}
}

// runHeldGroup holds the committer in a first Update until queued of n
// further Updates are queued, then lets all of them finish. Each of the n
// writes a 100-byte value.
func runHeldGroup(t *testing.T, s *BoltStore, n, queued int) {
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.Update(func(w Writer) error { close(started); <-release; return nil })
	})
	<-started
	for i := range n {
		wg.Go(func() {
			_ = s.Update(func(w Writer) error {
				return w.Put("g", []byte{byte(i)}, make([]byte, 100))
			})
		})
	}
	waitQueued(t, s, queued)
	close(release)
	wg.Wait()
}
