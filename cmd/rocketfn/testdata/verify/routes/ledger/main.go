// Package main is a verify fixture whose routes no reading of the source
// finds: they are registered in a loop, through a method value, with a
// handler type of its own, and one topic comes from an environment
// variable that s.yaml sets.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// ledger takes batches of entries.
type ledger struct{}

func (ledger) HandleBatch(ctx context.Context, msgs []*event.Message) (any, error) { return nil, nil }

func register(app *fn.App) {
	add := app.HandleBatch
	for _, tag := range []string{"created", "paid"} {
		add("ledger", tag, ledger{})
	}
	add(os.Getenv("LEDGER_AUDIT_TOPIC"), "*", ledger{})
}

func main() {
	fmt.Println("ledger: starting") // main's own output does not hide the report
	app := fn.New()
	register(app)
	fn.Start(app)
}
