// Package httpserve runs the HTTP server of an emulator on a listener of
// its own: start on an address (a free loopback port by default), tell the
// endpoint, shut down waiting for requests in flight.
package httpserve

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves one handler; the zero value is ready to Start.
type Server struct {
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
	s.mu.Lock()
	s.listener = l
	s.http = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
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
