// Command otsfn is the function of the Tablestore trigger tests, under
// the FC custom-runtime contract: it serves POST /invoke on
// FC_SERVER_PORT, decodes the body as the Tablestore trigger's CBOR
// event (package streamevent) and appends one JSON line per invocation to
// the file RECORD_FILE names, with the request ID, the raw payload and
// whether it failed. While the file FAIL_FILE names exists, it answers
// 500, failing the invocation; a body that does not decode answers 400.
package main

import (
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/rocketfn/rocketfn/emulator/ots/streamevent"
)

// Invocation is one line of the record file, as the tests read it back.
type Invocation struct {
	RequestID string `json:"requestId"`
	Payload   []byte `json:"payload"`
	Records   int    `json:"records"`
	Failed    bool   `json:"failed"`
	Error     string `json:"error,omitempty"`
}

// mu serialises the writes of concurrent invocations.
var mu sync.Mutex

func invoke(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	inv := Invocation{RequestID: r.Header.Get("x-fc-request-id"), Payload: body}
	status := http.StatusOK
	p, err := streamevent.Decode(body)
	if err != nil {
		inv.Failed, inv.Error, status = true, err.Error(), http.StatusBadRequest
	} else if _, err := os.Stat(os.Getenv("FAIL_FILE")); err == nil {
		inv.Failed, inv.Error, status = true, "failing on purpose", http.StatusInternalServerError
	}
	inv.Records = len(p.Records)
	if err := record(inv); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	io.WriteString(w, inv.Error)
}

// record appends inv to RECORD_FILE.
func record(inv Invocation) error {
	mu.Lock()
	defer mu.Unlock()
	line, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(os.Getenv("RECORD_FILE"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
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
		log.Fatal(err)
	}
	log.Fatal(http.Serve(ln, nil))
}
