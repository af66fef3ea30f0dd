package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// A row written idempotently carries bookkeeping columns, all named
// _rfn_*, which reads never return:
//
//	_rfn_m<hash of key>  a marker per idempotency key (message) that wrote
//	                     the row: how many of its writes to the row applied
//	_rfn_v               the row's version, a random number every marked
//	                     row operation replaces, on the condition that it
//	                     still holds the value the commit read
//	_rfn_j<hour>_<v>     a journal per row operation that added markers:
//	                     their hashes, so that they can be found and removed
//	                     once the idempotency window has passed
//	_rfn_g               the hour of the row's oldest journal
//
// A commit reads _rfn_v, _rfn_g and the markers of the keys it writes
// with, leaves out the writes the markers say are applied, and writes the
// rest in one row operation conditional on _rfn_v: if anything marked the
// row since the read, the operation fails and the commit reads again.
const markerPrefix = rowtype.ReservedPrefix

const (
	versionColumn = markerPrefix + "v"
	gcColumn      = markerPrefix + "g"
	journalPrefix = markerPrefix + "j"
	journalEnd    = markerPrefix + "k" // just past every journal name
	keyPrefix     = markerPrefix + "m"
)

// journalHour is how journals are grouped by time: the markers of a
// journal of hour h are removed at the first write after h+1 plus the
// idempotency window.
const journalHour = time.Hour

// keyHash identifies an idempotency key in marker and journal columns.
type keyHash [12]byte

func hashKey(key string) keyHash {
	sum := sha256.Sum256([]byte(key))
	return keyHash(sum[:12])
}

// markerColumn is the marker of key h.
func markerColumn(h keyHash) string { return keyPrefix + hex.EncodeToString(h[:]) }

// journalColumn is the journal of the row operation that made version v
// in hour.
func journalColumn(hour, v int64) string {
	return fmt.Sprintf("%s%08x_%016x", journalPrefix, hour, uint64(v))
}

// journalHourOf is the hour of journal column name; ok is false for a
// name that is not a journal's.
func journalHourOf(name string) (int64, bool) {
	if len(name) < len(journalPrefix)+8 || name[:len(journalPrefix)] != journalPrefix {
		return 0, false
	}
	h, err := strconv.ParseUint(name[len(journalPrefix):len(journalPrefix)+8], 16, 32)
	return int64(h), err == nil
}

// hourOf numbers the hour of t.
func hourOf(t time.Time) int64 { return t.UnixMilli() / journalHour.Milliseconds() }

// newVersion is a fresh row version: positive, and random so that a row
// deleted and written again never holds a version a commit read before.
func newVersion() int64 { return int64(rand.Uint64()>>1) | 1 }

// scope numbers the writes made under one idempotency key, per row: the
// n-th write of a key to a row applies once, however often it is made.
type scope struct {
	key string
	mu  sync.Mutex
	n   map[string]int // row -> writes so far
}

func newScope(key string) *scope { return &scope{key: key, n: map[string]int{}} }

// next returns the index of the key's next write to row.
func (s *scope) next(row string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n[row]
	s.n[row] = n + 1
	return n
}

type scopeKey struct{}

// WithIdempotencyKey returns a context whose writes are deduplicated by
// key instead of by the message being handled: a write made again under
// the same key, in the same order, is not applied twice. Use it outside
// handlers, or to tie writes to a business key (an order ID and its
// state, say).
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, scopeKey{}, newScope(key))
}

// scopeFor returns the idempotency scope of ctx's writes and the message
// they belong to: an explicit key, else the message being handled (within
// an invocation collecting writes). Writes with no scope carry no marker.
func scopeFor(ctx context.Context, c *collector) (*scope, *fnMessage) {
	m, _ := fn.MessageFromContext(ctx)
	if s, ok := ctx.Value(scopeKey{}).(*scope); ok {
		return s, m
	}
	if c == nil || m == nil || m.ID == "" {
		return nil, m
	}
	return c.scopeOf(m), m
}

// markedRows remembers rows that carry bookkeeping, as a DB's reads and
// writes found them, so that a commit can guess how to write a row
// without reading it first (see guess).
type markedRows struct {
	mu   sync.Mutex
	rows map[string]bool
}

// maxMarkedRows bounds what a DB remembers: past it, it starts over.
const maxMarkedRows = 100_000

func (m *markedRows) has(row string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rows[row]
}

// set records whether row carries bookkeeping.
func (m *markedRows) set(row string, marked bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !marked:
		delete(m.rows, row)
	case m.rows == nil || len(m.rows) >= maxMarkedRows:
		m.rows = map[string]bool{row: true}
	default:
		m.rows[row] = true
	}
}
