package httpserve

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"golang.org/x/sync/semaphore"
)

// ErrBusy is ReadBody's error when the budget stayed too full for a body
// for the whole wait.
var ErrBusy = errors.New("the server is reading too many request bodies at once")

// Budget bounds the bytes of request bodies a server holds at once,
// across all its requests, so that many large requests do not take the
// machine's memory: a request takes its body's length from the budget
// before reading it, and gives it back when done with the body. It is safe
// for concurrent use.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
}

// NewBudget returns a budget of size bytes, for which a request waits up
// to wait.
func NewBudget(size int64, wait time.Duration) *Budget {
	return &Budget{sem: semaphore.NewWeighted(size), size: size, wait: wait}
}

// Take takes n bytes, waiting up to the budget's wait or until ctx ends;
// it returns ErrBusy if they did not come free (more than the budget's
// size never do). Give gives them back.
func (b *Budget) Take(ctx context.Context, n int64) error {
	ctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	if b.sem.Acquire(ctx, n) != nil {
		return ErrBusy
	}
	return nil
}

// Give gives back n bytes taken with Take.
func (b *Budget) Give(n int64) { b.sem.Release(n) }

// ReadBody reads r's body, of at most limit bytes, within the budget. It
// takes the body's declared length (limit when the length is unknown; at
// most the budget's size) before reading, so a body the server cannot hold now is not read, and
// returns the body with a release that gives its bytes back, to call once
// when done with it. The errors are *http.MaxBytesError for a body over
// limit (refused unread when its declared length is), ErrBusy, and those
// of the read; release is then nil.
func (b *Budget) ReadBody(r *http.Request, limit int64) (body []byte, release func(), err error) {
	n := r.ContentLength
	switch {
	case n == 0:
		return nil, func() {}, nil
	case n > limit:
		return nil, nil, &http.MaxBytesError{Limit: limit}
	case n < 0:
		n = limit
	}
	taken := min(n, b.size)
	if err := b.Take(r.Context(), taken); err != nil {
		return nil, nil, err
	}
	if r.ContentLength > 0 {
		body = make([]byte, n)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	}
	if err != nil {
		b.Give(taken)
		return nil, nil, err
	}
	held := min(int64(len(body)), taken)
	b.Give(taken - held) // what a body of unknown length did not use
	return body, func() { b.Give(held) }, nil
}
