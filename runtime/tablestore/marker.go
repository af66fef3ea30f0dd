package tablestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Rows remember the messages that changed them in marker columns: a write
// made for message M puts the column _rfn_<hash of M's ID>_<n> (n counts
// M's earlier writes to the row) in the same row operation, on the
// condition that the column is absent. A redelivered M makes the same
// writes, whose conditions fail on the rows the first delivery changed:
// those writes are known to be done, and nothing is applied twice.
const markerPrefix = "_rfn_"

// markerName is the marker column of the n-th write of key to a row.
func markerName(key string, n int) string {
	sum := sha256.Sum256([]byte(key))
	return markerPrefix + hex.EncodeToString(sum[:12]) + "_" + strconv.Itoa(n)
}

// markerAbsent is the condition that the marker column is absent: a
// missing column passes an equality test with filter_if_missing unset,
// and a present one holds a timestamp, never -1.
func markerAbsent(marker string) ots.ColumnFilter {
	c := ots.NewSingleColumnCondition(marker, ots.CT_EQUAL, int64(-1))
	c.LatestVersionOnly = true
	return c
}

// scope numbers the writes made under one idempotency key, per row, so
// that each gets its own marker.
type scope struct {
	key string
	mu  sync.Mutex
	n   map[string]int // row -> writes so far
}

func newScope(key string) *scope { return &scope{key: key, n: map[string]int{}} }

// next returns the marker of the key's next write to row.
func (s *scope) next(row string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.n[row]
	s.n[row] = n + 1
	return markerName(s.key, n)
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
