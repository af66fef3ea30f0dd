// Command rocketfn is the smallest rocketfn function: one typed handler,
// served on FC_CUSTOM_LISTEN_PORT by fn.Start. BenchmarkColdStart times it
// from exec to its first answered invocation.
package main

import (
	"context"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// User is the message body.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
}

var sink int

func handle(_ context.Context, u User) error {
	sink += len(u.ID) + len(u.Name) + len(u.Job) + len(u.Hero)
	return nil
}

func main() {
	app := fn.New()
	app.Handle("*", "*", fn.Typed(handle))
	fn.Start(app)
}
