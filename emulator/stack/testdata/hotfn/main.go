// Command hotfn is the function the hot-reload tests edit in a copy of
// a project: it appends each message's body, with the version below, as
// one JSON line to the file RECORD_FILE names, and answers the version.
// The tests rewrite the version and watch it change.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

const version = "version-1"

// mu serialises the writes of concurrent invocations of one instance.
var mu sync.Mutex

func handle(ctx context.Context, m *event.Message) (any, error) {
	line, err := json.Marshal(map[string]string{"body": m.Text(), "version": version})
	if err != nil {
		return nil, err
	}
	path := os.Getenv("RECORD_FILE")
	if path == "" {
		return nil, errors.New("RECORD_FILE is not set")
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return nil, err
	}
	return version, f.Close()
}

func main() {
	app := fn.New()
	app.Handle("*", "*", fn.HandlerFunc(handle))
	fn.Start(app)
}
