// Package main is a verify fixture whose main fails before it starts the
// App, for want of a setting s.yaml does not give it.
package main

import (
	"fmt"
	"os"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

func main() {
	if os.Getenv("BROKEN_DSN") == "" {
		fmt.Fprintln(os.Stderr, "broken: BROKEN_DSN is not set")
		os.Exit(1)
	}
	fn.Start(fn.New())
}
