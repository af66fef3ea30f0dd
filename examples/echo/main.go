// Echo is the smallest complete rocketfn function: it answers every
// invocation with the JSON list of the messages it decoded.
//
// Built as a binary it serves Function Compute's custom-runtime contract
// (POST /invoke on FC_CUSTOM_LISTEN_PORT, else 9000), the go1 runtime API
// when FC_RUNTIME_API is set, and CloudEvents over HTTP:
//
//	go run ./examples/echo &
//	curl -XPOST localhost:9000/invoke --data-binary @runtime/event/testdata/fc-trigger-batch.json
package main

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Echoed is what echo reports of each message.
type Echoed struct {
	ID    string   `json:"id"`
	Topic string   `json:"topic"`
	Tag   string   `json:"tag"`
	Keys  []string `json:"keys"`
	Body  string   `json:"body"`
}

func echo(ctx context.Context, msgs []*event.Message) (any, error) {
	out := make([]Echoed, len(msgs))
	for i, m := range msgs {
		out[i] = Echoed{ID: m.ID, Topic: m.Topic, Tag: m.Tag, Keys: m.Keys, Body: m.Text()}
	}
	return out, nil
}

// newApp is the function, apart from how it is started, so tests can invoke it.
func newApp() *fn.App {
	app := fn.New()
	app.HandleBatch("*", "*", fn.BatchFunc(echo))
	return app
}

func main() { fn.Start(newApp()) }
