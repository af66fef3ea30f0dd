// Package conntest checks what an emulator's server reads and logs of
// requests it refuses: it serves the handler on a loopback listener that
// counts the bytes read from its connections, or with a logger that counts
// what is written, and sends it many bad requests at once.
package conntest

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// CheckUnread serves h and sends it n requests made by newRequest for the
// server's URL, all at once, each on a connection of its own and with a
// body of size zero bytes written while its answer is awaited. It fails t
// unless each is answered status and the server read at most 64 KB from
// each connection: the request's headers, and no more than a buffer's
// worth of its body.
func CheckUnread(t testing.TB, h http.Handler, n int, size int64, status int, newRequest func(url string) *http.Request) {
	t.Helper()
	var read atomic.Int64
	ts := httptest.NewUnstartedServer(h)
	ts.Listener = &listener{Listener: ts.Listener, read: &read}
	ts.Start()
	defer ts.Close()
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		req := newRequest(ts.URL)
		conn, err := net.Dial("tcp", req.URL.Host)
		if err != nil {
			t.Fatal(err)
		}
		req.Body = io.NopCloser(io.LimitReader(zeros{}, size))
		req.ContentLength = size
		go req.Write(conn) // ends with an error once conn is closed
		wg.Go(func() {
			defer conn.Close()
			if resp, err := http.ReadResponse(bufio.NewReader(conn), req); err == nil {
				statuses[i] = resp.StatusCode
			}
		})
	}
	wg.Wait()
	for i, got := range statuses {
		if got != status {
			t.Errorf("request %d: status %d, want %d", i, got, status)
		}
	}
	t.Logf("the server read %d bytes", read.Load())
	if got := read.Load(); got > int64(n)*64<<10 {
		t.Fatalf("the server read %d bytes from %d requests with bodies of %d bytes", got, n, size)
	}
}

// A Log counts the bytes its Logger writes at warn level and above.
type Log struct {
	Logger *slog.Logger
	n      atomic.Int64
}

// NewLog returns an empty Log.
func NewLog() *Log {
	l := new(Log)
	l.Logger = slog.New(slog.NewTextHandler(writer{&l.n}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return l
}

// Check serves h, which logs to l, and sends it n requests made by
// newRequest for the server's URL, 8 at a time. The requests are to fail
// with kinds kinds of failure, which the server is to log at most once a
// second each, in lines of at most 2 KB: Check fails t if l grew more than
// that allows for the time the requests took.
func (l *Log) Check(t testing.TB, h http.Handler, n, kinds int, newRequest func(url string) *http.Request) {
	t.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	before, start := l.n.Load(), time.Now()
	reqs := make(chan *http.Request)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for req := range reqs {
				if resp, err := http.DefaultClient.Do(req); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	for range n {
		reqs <- newRequest(ts.URL)
	}
	close(reqs)
	wg.Wait()
	took, logged := time.Since(start), l.n.Load()-before
	most := int64(kinds) * (int64(took/time.Second) + 1) * 2 << 10
	t.Logf("%d requests in %v logged %d bytes", n, took, logged)
	if logged > most {
		t.Fatalf("%d requests in %v logged %d bytes, more than %d", n, took, logged, most)
	}
}

// writer counts the bytes written to it.
type writer struct{ n *atomic.Int64 }

func (w writer) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// listener counts the bytes read from the connections it accepts.
type listener struct {
	net.Listener
	read *atomic.Int64
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, read: l.read}, nil
}

type conn struct {
	net.Conn
	read *atomic.Int64
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}
