package rocketmq_test

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

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

// TestTimeouts: Config.Timeouts reach the server: a long poll outlives a
// read timeout shorter than its wait, and an idle keep-alive connection is
// closed after the idle timeout.
func TestTimeouts(t *testing.T) {
	short := rocketmq.Timeouts{ReadHeader: 100 * time.Millisecond, Read: 200 * time.Millisecond, Idle: 200 * time.Millisecond}
	srv, c := start(t, rocketmq.Config{Timeouts: short})
	begin := time.Now()
	if ms := consume(t, c.GetConsumer("", "t", "GID_a", ""), 1, 1, false); len(ms) != 0 {
		t.Fatalf("consumed %d messages from an empty topic", len(ms))
	}
	if d := time.Since(begin); d < time.Second {
		t.Fatalf("a long poll of 1 s answered after %v", d)
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.Endpoint(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, br); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("an idle connection was kept open for 10 s")
	}
}
