// Package main is a verify fixture: a batch handler.
package main

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

type entry struct{ ID string }

func main() {
	app := fn.New()
	app.HandleBatch("audit", "*", fn.TypedBatch(func(ctx context.Context, es []entry) error { return nil }))
	fn.Start(app)
}
