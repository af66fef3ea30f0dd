// Package loglimit keeps what refused requests write to an emulator's log
// small, whatever they carry and however many come: strings are cut to
// MaxField bytes, and the failures of one kind are written at most once a
// second, the next record written telling how many were left out.
package loglimit

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxField is the most bytes of a string that Cut keeps.
const MaxField = 256

// Cut returns s, or when it is longer than MaxField bytes its first
// MaxField bytes (whole UTF-8 characters) and "…(N bytes)", N being the
// length of s.
func Cut(s string) string {
	if len(s) <= MaxField {
		return s
	}
	n := MaxField
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// Limiter writes warnings to a logger, at most one a second of each kind.
// It is safe for concurrent use.
type Limiter struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	kinds map[string]*kind
}

// kind is what a Limiter knows of one kind of record.
type kind struct {
	last       time.Time // when one was last written
	suppressed int       // left out since
}

// New returns a Limiter writing to log.
func New(log *slog.Logger) *Limiter {
	return &Limiter{log: log, every: time.Second, now: time.Now, kinds: make(map[string]*kind)}
}

// Warn writes msg and args at warn level, each string in args cut to
// MaxField bytes, unless a record of the same kind (one of a fixed set,
// such as error codes) was written less than a second ago: then it counts
// it, and the next record of the kind written carries the count as
// "suppressed".
func (l *Limiter) Warn(kindName, msg string, args ...any) {
	if !l.log.Enabled(context.Background(), slog.LevelWarn) {
		return
	}
	now := l.now()
	l.mu.Lock()
	k := l.kinds[kindName]
	if k == nil {
		k = new(kind)
		l.kinds[kindName] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < l.every {
		k.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := k.suppressed
	k.last, k.suppressed = now, 0
	l.mu.Unlock()
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = Cut(s)
		}
	}
	if suppressed > 0 {
		args = append(args, "suppressed", suppressed)
	}
	l.log.Warn(msg, args...)
}
