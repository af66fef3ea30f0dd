// Package main is a verify fixture: a handler that reads CloudEvent
// attributes, with runtime/fn imported under another name.
package main

import (
	"context"
	"log"

	"github.com/rocketfn/rocketfn/runtime/event"
	rfn "github.com/rocketfn/rocketfn/runtime/fn"
)

func main() {
	app := rfn.New()
	app.Handle("reads", "*", rfn.TypedMessage(func(ctx context.Context, s string, m *event.Message) error {
		log.Println(m.Event.Source, s)
		return nil
	}))
	rfn.Start(app)
}
