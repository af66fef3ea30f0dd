// Command recordfn is the function of the pipeline tests. It appends every
// message it handles, with the request ID of the invocation that carried
// it, as one JSON line to the file RECORD_FILE names, then acts on the
// body:
//
//	fail        fail the message
//	crash-once  exit with status 3, unless the file already held the
//	            message (so the retry of the invocation succeeds)
//	anything    succeed
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Record is one handled message, as the tests read it back.
type Record struct {
	ID          string            `json:"id"`
	Topic       string            `json:"topic"`
	Tag         string            `json:"tag"`
	Keys        []string          `json:"keys"`
	ShardingKey string            `json:"shardingKey"`
	Body        string            `json:"body"`
	Properties  map[string]string `json:"properties"`
	EventID     string            `json:"eventId"`   // "" for RawData
	EventType   string            `json:"eventType"` // "" for RawData
	Index       int               `json:"index"`     // position in the payload
	RequestID   string            `json:"requestId"`
}

// mu serialises the writes of concurrent invocations of one instance.
var mu sync.Mutex

func handle(ctx context.Context, m *event.Message) (any, error) {
	inv, _ := fn.FromContext(ctx)
	r := Record{
		ID: m.ID, Topic: m.Topic, Tag: m.Tag, Keys: m.Keys, ShardingKey: m.ShardingKey, Body: m.Text(),
		Properties: m.UserProperties.Map(), EventID: m.Event.ID, EventType: m.Event.Type, Index: m.Index,
	}
	if inv != nil {
		r.RequestID = inv.RequestID
	}
	seen, err := record(os.Getenv("RECORD_FILE"), r)
	if err != nil {
		return nil, err
	}
	switch r.Body {
	case "fail":
		return nil, errors.New("failing on purpose")
	case "crash-once":
		if !seen {
			os.Exit(3)
		}
	}
	return r.ID, nil
}

// record appends r to the file and reports whether the file already held
// a record of the same message.
func record(path string, r Record) (seen bool, err error) {
	mu.Lock()
	defer mu.Unlock()
	if path == "" {
		return false, errors.New("RECORD_FILE is not set")
	}
	seen, err = holds(path, r.ID)
	if err != nil {
		return false, err
	}
	line, err := json.Marshal(r)
	if err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return false, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return false, err
	}
	return seen, f.Close()
}

// holds reports whether the file has a record of message id.
func holds(path, id string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.ID == id {
			return true, nil
		}
	}
	return false, sc.Err()
}

func main() {
	app := fn.New()
	app.Handle("*", "*", fn.HandlerFunc(handle))
	fn.Start(app)
}
