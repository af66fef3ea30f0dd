package fcinvoker

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

const (
	maxLine   = 64 << 10 // longer lines are cut
	tailLines = 20       // lines kept per instance for start errors
)

// output reads the merged stdout and stderr of one instance, line by line,
// and attributes each line to a request as FC does: the lines from "FC
// Invoke Start RequestId: X" to "FC Invoke End RequestId: X" (and the
// Initialize and PreStop markers) belong to X. When several requests are
// open at once, a line belongs to the one whose ID it contains (runtime/fn's
// LogHandler adds request_id to records), else to none.
type output struct {
	instance string
	logger   *slog.Logger
	store    *logStore

	mu      sync.Mutex
	open    []string                 // requests between their Start and End markers
	waiters map[string]chan struct{} // closed at the request's End marker
	tail    []string
	done    chan struct{} // closed when the stream ends
}

func newOutput(instance string, logger *slog.Logger, store *logStore) *output {
	return &output{
		instance: instance, logger: logger, store: store,
		waiters: make(map[string]chan struct{}), done: make(chan struct{}),
	}
}

// run reads r until it ends.
func (o *output) run(r io.ReadCloser) {
	defer close(o.done)
	defer r.Close()
	readLines(r, o.line)
}

// expect returns a channel closed when the End marker of request id is read.
func (o *output) expect(id string) <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := make(chan struct{})
	o.waiters[id] = ch
	return ch
}

// forget drops the request id, whether or not its End marker came.
func (o *output) forget(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.waiters, id)
	o.open = slices.DeleteFunc(o.open, func(s string) bool { return s == id })
}

// lastLines returns the last lines the instance wrote.
func (o *output) lastLines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.tail)
}

func (o *output) line(text string) {
	id, ended := o.attribute(text)
	attrs := []slog.Attr{slog.String("instance", o.instance)}
	if id != "" {
		o.store.add(id, text)
		attrs = append(attrs, slog.String("request_id", id))
	}
	o.logger.LogAttrs(context.Background(), slog.LevelInfo, text, attrs...)
	if ended != nil {
		close(ended)
	}
}

// attribute returns the request text belongs to, if any, and the waiter
// to release when text is that request's End marker.
func (o *output) attribute(text string) (string, chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.tail) == tailLines {
		o.tail = o.tail[1:]
	}
	o.tail = append(o.tail, text)
	id, start, ok := parseMarker(text)
	switch {
	case ok && start:
		o.open = append(o.open, id)
		return id, nil
	case ok:
		o.open = slices.DeleteFunc(o.open, func(s string) bool { return s == id })
		w := o.waiters[id]
		delete(o.waiters, id)
		return id, w
	}
	for _, id := range o.open {
		if strings.Contains(text, id) {
			return id, nil
		}
	}
	if len(o.open) == 1 {
		return o.open[0], nil
	}
	return "", nil
}

// parseMarker parses "FC <Phase> Start|End RequestId: <id>[, ...]".
func parseMarker(s string) (id string, start, ok bool) {
	rest, found := strings.CutPrefix(s, "FC ")
	if !found {
		return "", false, false
	}
	phase, id, found := strings.Cut(rest, " RequestId: ")
	if !found {
		return "", false, false
	}
	switch {
	case strings.HasSuffix(phase, " Start"):
		start = true
	case !strings.HasSuffix(phase, " End"):
		return "", false, false
	}
	if i := strings.IndexAny(id, ", \t"); i >= 0 {
		id = id[:i]
	}
	return id, start, id != ""
}

// readLines calls f with each line of r, without its line ending. Lines
// longer than maxLine are cut there.
func readLines(r io.Reader, f func(string)) {
	br := bufio.NewReaderSize(r, maxLine)
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			f(string(b) + " [line cut]")
			err = skipLine(br)
		} else if len(b) > 0 {
			f(strings.TrimRight(string(b), "\r\n"))
		}
		if err != nil {
			return
		}
	}
}

// skipLine discards the rest of a line.
func skipLine(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}
