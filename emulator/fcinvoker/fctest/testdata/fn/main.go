// Command fn is the function fctest's tests run. It answers each
// invocation with what it sees: the message bodies, GREETING and the
// access key ID of its environment, and the access key ID the invocation
// carries. A message whose body is "fail" fails.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Seen is the function's answer.
type Seen struct {
	Bodies      []string `json:"bodies"`
	Greeting    string   `json:"greeting"`
	EnvKeyID    string   `json:"envKeyId"`
	InvokeKeyID string   `json:"invokeKeyId"`
	Inherited   string   `json:"inherited"`
}

func main() {
	app := fn.New()
	app.HandleBatch("*", "*", fn.BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) {
		inv, _ := fn.FromContext(ctx)
		seen := Seen{Greeting: os.Getenv("GREETING"), EnvKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			InvokeKeyID: inv.Credentials.AccessKeyID, Inherited: os.Getenv("FCTEST_INHERITED")}
		for _, m := range msgs {
			slog.InfoContext(ctx, "message", "body", m.Text())
			if m.Text() == "fail" {
				return nil, errors.New("failing on purpose")
			}
			seen.Bodies = append(seen.Bodies, m.Text())
		}
		return seen, nil
	}))
	fn.Start(app)
}
