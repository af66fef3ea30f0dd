// Command rocketfn is the smallest rocketfn function: one typed handler,
// served on FC_CUSTOM_LISTEN_PORT by fn.Start. BenchmarkColdStart times it
// from exec to its first answered invocation.
package main

import (
	"context"
	"errors"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// User is the message body.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
}

// handle uses the decoded body, so that the first invocation does all of
// a real handler's work: it fails for a body without an id.
func handle(_ context.Context, u User) error {
	if u.ID == "" {
		return errors.New("user without an id")
	}
	return nil
}

func main() {
	app := fn.New()
	app.Handle("*", "*", fn.Typed(handle))
	fn.Start(app)
}
