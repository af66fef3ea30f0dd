// Command fn is the function of the invoke tests. Each message's body
// says what to do:
//
//	fail   fail the message
//	crash  exit with status 3
//	other  answer the message's topic, tag and body, the request ID and
//	       the environment variables that the local stack and FC set
//
// It logs "greet: handling BODY" for each message.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// Reply is what the function answers for a message.
type Reply struct {
	Topic     string            `json:"topic"`
	Tag       string            `json:"tag"`
	Body      string            `json:"body"`
	RequestID string            `json:"requestId"`
	Env       map[string]string `json:"env"`
}

// envPrefixes are the variables a reply carries: those of the local
// services, FC's and the function's own (GREETING in s.yaml).
var envPrefixes = []string{"TABLESTORE_", "MQ_", "NAMESRV_", "ROCKETFN_", "FC_", "ALIBABA_CLOUD_", "GREETING"}

func handle(ctx context.Context, m *event.Message) (any, error) {
	body := m.Text()
	slog.InfoContext(ctx, "greet: handling "+body)
	switch body {
	case "fail":
		return nil, errors.New("failing on purpose")
	case "crash":
		os.Exit(3)
	}
	r := Reply{Topic: m.Topic, Tag: m.Tag, Body: body, Env: map[string]string{}}
	if inv, ok := fn.FromContext(ctx); ok {
		r.RequestID = inv.RequestID
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		for _, p := range envPrefixes {
			if strings.HasPrefix(k, p) {
				r.Env[k] = v
			}
		}
	}
	return r, nil
}

func main() {
	logger := slog.New(fn.LogHandler(slog.NewTextHandler(os.Stderr, nil)))
	slog.SetDefault(logger)
	app := fn.New(fn.WithLogger(logger))
	app.Handle("greetings", "*", fn.HandlerFunc(handle))
	fn.Start(app)
}
