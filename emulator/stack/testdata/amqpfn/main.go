// Command amqpfn is the function of the RabbitMQ trigger tests: a plain
// FC custom-runtime server (no runtime/fn) that appends every payload it
// is invoked with, with its request ID, as one JSON line to the file
// RECORD_FILE names, and fails the invocation (HTTP 500) when the payload
// holds the text "fail-once" for the first time, or "fail-always". With
// INVOKE_DELAY set (a Go duration), each invocation takes that long.
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Record is one invocation, as the tests read it back.
type Record struct {
	RequestID string          `json:"requestId"`
	Payload   json.RawMessage `json:"payload"`
}

var (
	mu         sync.Mutex
	failedOnce bool // a "fail-once" payload has failed
	logFile    = os.Getenv("RECORD_FILE")
	delay, _   = time.ParseDuration(os.Getenv("INVOKE_DELAY"))
)

func invoke(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	time.Sleep(delay)
	mu.Lock()
	defer mu.Unlock()
	if err := record(Record{RequestID: r.Header.Get("x-fc-request-id"), Payload: payload}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	switch {
	case bytes.Contains(payload, []byte("fail-always")):
		http.Error(w, "failing on purpose", http.StatusInternalServerError)
		return
	case bytes.Contains(payload, []byte("fail-once")) && !failedOnce:
		failedOnce = true
		http.Error(w, "failing once on purpose", http.StatusInternalServerError)
		return
	}
	w.Write([]byte(`"ok"`))
}

func record(r Record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func main() {
	http.HandleFunc("POST /invoke", invoke)
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", os.Getenv("FC_SERVER_PORT")))
	if err != nil {
		panic(err)
	}
	panic(http.Serve(ln, nil))
}
