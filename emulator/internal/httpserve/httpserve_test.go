package httpserve

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// short are timeouts small enough for tests to see them fire.
var short = Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond}

// readsBody answers after reading the whole body.
var readsBody = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
})

// dial starts a server with short timeouts and connects to it.
func dial(t *testing.T, h http.Handler) net.Conn {
	t.Helper()
	s := &Server{Timeouts: short}
	endpoint, err := s.Start("", h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(time.Second) })
	conn, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// waitClosed reads from conn until the server closes it, and fails if
// that takes longer than within.
func waitClosed(t *testing.T, conn net.Conn, r io.Reader, within time.Duration) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(within))
	_, err := io.Copy(io.Discard, r)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept the connection open for %v", within)
	}
}

// TestStalledBodyIsCut: a client that sends its headers and part of its
// body, then nothing, is cut off after the read timeout.
func TestStalledBodyIsCut(t *testing.T) {
	conn := dial(t, readsBody)
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
	waitClosed(t, conn, conn, 10*time.Second)
}

// TestTricklingBodyIsCut: a client that keeps sending its body a byte at a
// time is cut off after the read timeout, however long it goes on.
func TestTricklingBodyIsCut(t *testing.T) {
	conn := dial(t, readsBody)
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	waitClosed(t, conn, conn, 10*time.Second)
}

// TestIdleConnectionIsClosed: a keep-alive connection left idle after an
// answer is closed after the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	conn := dial(t, readsBody)
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed the connection after the answer; want keep-alive")
	}
	waitClosed(t, conn, br, 10*time.Second)
}

// TestDefaultTimeoutsAllowLongPolls: the default write timeout lets an MQ
// long poll of 30 s answer, with room for the body and the answer.
func TestDefaultTimeoutsAllowLongPolls(t *testing.T) {
	if d := DefaultTimeouts.Write; d < 30*time.Second+DefaultTimeouts.Read {
		t.Fatalf("write timeout %v cuts a 30 s long poll", d)
	}
	if z := (Timeouts{}).withDefaults(); z != DefaultTimeouts {
		t.Fatalf("zero timeouts became %+v", z)
	}
}
