// Package httpserve runs the HTTP server of an emulator on a listener of
// its own: start on an address (a free loopback port by default), tell the
// endpoint, shut down waiting for requests in flight; and a Budget that
// bounds the request bodies its handlers hold at once.
//
// Every connection is bounded in time, so that a client that stops
// sending, or holds a connection without using it, does not hold the
// server. The defaults (DefaultTimeouts) let every legitimate request of
// the emulators finish:
//   - ReadHeader, 10 s: a client's request line and headers arrive at once;
//   - Read, 30 s: the whole request, headers and body; the largest body an
//     emulator takes (16 MB, an XML-escaped MQ message) needs a fraction of
//     that on any link a client uses;
//   - Write, 60 s: from the end of the headers to the end of the answer, so
//     it covers reading the body, the handler and writing the answer; the
//     longest handler is an MQ long poll of up to 30 s (waitseconds), and the
//     clients give up sooner (the Tablestore SDK after 30 s, the MQ HTTP SDK
//     after 35 s);
//   - Idle, 2 min: a keep-alive connection between requests, longer than the
//     clients keep theirs (Go's transport 90 s, fasthttp 10 s), so the
//     client closes first and does not send on a connection being closed.
package httpserve

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Timeouts bound a connection's reads, writes and idle time, as the fields
// of http.Server of the same names do.
type Timeouts struct {
	ReadHeader time.Duration
	Read       time.Duration
	Write      time.Duration
	Idle       time.Duration
}

// DefaultTimeouts are the timeouts of a Server whose Timeouts are zero.
var DefaultTimeouts = Timeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Write:      60 * time.Second,
	Idle:       2 * time.Minute,
}

// withDefaults fills t's zero fields from DefaultTimeouts.
func (t Timeouts) withDefaults() Timeouts {
	pick := func(v, def time.Duration) time.Duration {
		if v == 0 {
			return def
		}
		return v
	}
	return Timeouts{
		ReadHeader: pick(t.ReadHeader, DefaultTimeouts.ReadHeader),
		Read:       pick(t.Read, DefaultTimeouts.Read),
		Write:      pick(t.Write, DefaultTimeouts.Write),
		Idle:       pick(t.Idle, DefaultTimeouts.Idle),
	}
}

// Server serves one handler; the zero value is ready to Start.
type Server struct {
	// Timeouts bound each connection; zero fields take DefaultTimeouts'.
	// Set them before Start.
	Timeouts Timeouts

	mu       sync.Mutex
	listener net.Listener
	http     *http.Server
}

// Start serves h on addr ("" picks a free port on 127.0.0.1) until
// Shutdown, and returns the endpoint to give clients.
func (s *Server) Start(addr string, h http.Handler) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	t := s.Timeouts.withDefaults()
	s.mu.Lock()
	s.listener = l
	s.http = &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
	srv := s.http
	s.mu.Unlock()
	go srv.Serve(l)
	return s.Endpoint(), nil
}

// Endpoint is the URL clients use, once Start has run; "" before.
func (s *Server) Endpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Shutdown stops serving and waits up to timeout for requests in flight.
// It does nothing if Start never ran.
func (s *Server) Shutdown(timeout time.Duration) {
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	srv.Shutdown(ctx)
}
