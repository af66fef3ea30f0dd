package loglimit

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestCut(t *testing.T) {
	if got := Cut("short"); got != "short" {
		t.Errorf("Cut(short) = %q", got)
	}
	long := strings.Repeat("a", 1000)
	if got, want := Cut(long), strings.Repeat("a", MaxField)+"…(1000 bytes)"; got != want {
		t.Errorf("Cut of 1000 bytes = %q, want %q", got, want)
	}
	wide := "a" + strings.Repeat("é", 300) // 'é' is 2 bytes: byte 256 is the middle of one
	got := Cut(wide)
	if !strings.HasPrefix(got, "a"+strings.Repeat("é", 127)+"…(601 bytes)") || len(got) > MaxField+len("…(601 bytes)") {
		t.Errorf("Cut of multi-byte characters = %q", got)
	}
}

// TestLimiter: records of one kind are written at most once a second, the
// next one counting those left out; kinds are limited apart; strings are
// cut.
func TestLimiter(t *testing.T) {
	var buf bytes.Buffer
	l := New(slog.New(slog.NewTextHandler(&buf, nil)))
	now := time.Unix(0, 0)
	l.now = func() time.Time { return now }
	for range 1000 {
		l.Warn("A", "failed", "uri", strings.Repeat("x", 100000))
		l.Warn("B", "failed")
	}
	now = now.Add(time.Second)
	l.Warn("A", "failed")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "…(100000 bytes)") || len(lines[0]) > 1000 {
		t.Errorf("first line not cut: %d bytes", len(lines[0]))
	}
	if !strings.Contains(lines[2], "suppressed=999") {
		t.Errorf("last line %q does not count the 999 left out", lines[2])
	}
}
