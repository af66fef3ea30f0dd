package bench

import (
	"context"
	"encoding/json"
	"unsafe"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/cloudevents/sdk-go/v2/event"
	gojson "github.com/goccy/go-json"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// A path is one way of getting from payload bytes to handler calls.
// single takes one CloudEvent, batch a JSON array of them.
type path struct {
	name          string
	single, batch func(ctx context.Context, payload []byte) error
}

// paths returns every path, each calling h once per event. The benchmarks
// pass userHandler; TestAllPathsAgree passes a handler that records.
func paths(h func(context.Context, User) error) []path {
	return []path{
		rocketfnPath(h),
		cloudeventsPath(h),
		lambdaPath(h),
		stdPath(h),
		goccyPath(h),
	}
}

// rocketfnPath is what a rocketfn function runs per invocation: Invoke
// decodes the payload with rocketfn's own decoder, routes every message and
// decodes its body into a User for the Typed handler.
func rocketfnPath(h func(context.Context, User) error) path {
	app := fn.New()
	app.Handle("*", "*", fn.Typed(h))
	invoke := func(ctx context.Context, p []byte) error {
		_, err := app.Invoke(ctx, p)
		return err
	}
	return path{name: "rocketfn", single: invoke, batch: invoke}
}

// cloudeventsPath uses the CloudEvents Go SDK: Event.UnmarshalJSON, then
// DataAs into the data mirror, then the body into a User with encoding/json.
// A batch goes through json.Unmarshal into []event.Event, as the SDK's
// binding.ToEvents does with a batch message.
func cloudeventsPath(h func(context.Context, User) error) path {
	dispatch := func(ctx context.Context, e *event.Event) error {
		var d mqData
		if err := e.DataAs(&d); err != nil {
			return err
		}
		var u User
		if err := json.Unmarshal([]byte(d.Body), &u); err != nil {
			return err
		}
		return h(ctx, u)
	}
	return path{
		name: "cloudevents",
		single: func(ctx context.Context, p []byte) error {
			var e event.Event
			if err := e.UnmarshalJSON(p); err != nil {
				return err
			}
			return dispatch(ctx, &e)
		},
		batch: func(ctx context.Context, p []byte) error {
			var es []event.Event
			if err := json.Unmarshal(p, &es); err != nil {
				return err
			}
			for i := range es {
				if err := dispatch(ctx, &es[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// lambdaPath uses aws-lambda-go's reflective handler: Invoke decodes the
// payload into the handler's argument type with encoding/json and calls it
// with reflect; the handler decodes the body.
func lambdaPath(h func(context.Context, User) error) path {
	single := lambda.NewHandler(func(ctx context.Context, e envelope) error {
		var u User
		if err := json.Unmarshal([]byte(e.Data.Body), &u); err != nil {
			return err
		}
		return h(ctx, u)
	})
	batch := lambda.NewHandler(func(ctx context.Context, es []envelope) error {
		for i := range es {
			var u User
			if err := json.Unmarshal([]byte(es[i].Data.Body), &u); err != nil {
				return err
			}
			if err := h(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	return path{
		name: "lambda",
		single: func(ctx context.Context, p []byte) error {
			_, err := single.Invoke(ctx, p)
			return err
		},
		batch: func(ctx context.Context, p []byte) error {
			_, err := batch.Invoke(ctx, p)
			return err
		},
	}
}

// stdPath is the plain encoding/json baseline: the payload into the
// envelope mirror, then the body into a User.
func stdPath(h func(context.Context, User) error) path {
	return mirrorPath("std", json.Unmarshal,
		func(body string, u *User) error { return json.Unmarshal([]byte(body), u) }, h)
}

// goccyPath is stdPath with github.com/goccy/go-json, the fastest
// general-purpose decoder without a JIT on this payload. The body goes in
// without a copy: goccy copies its input before decoding.
func goccyPath(h func(context.Context, User) error) path {
	return mirrorPath("goccy", gojson.Unmarshal,
		func(body string, u *User) error {
			return gojson.Unmarshal(unsafe.Slice(unsafe.StringData(body), len(body)), u)
		}, h)
}

// mirrorPath decodes payloads into envelope mirrors with unmarshal and each
// body into a User with body.
func mirrorPath(name string, unmarshal func([]byte, any) error, body func(string, *User) error, h func(context.Context, User) error) path {
	return path{
		name: name,
		single: func(ctx context.Context, p []byte) error {
			var e envelope
			if err := unmarshal(p, &e); err != nil {
				return err
			}
			var u User
			if err := body(e.Data.Body, &u); err != nil {
				return err
			}
			return h(ctx, u)
		},
		batch: func(ctx context.Context, p []byte) error {
			var es []envelope
			if err := unmarshal(p, &es); err != nil {
				return err
			}
			for i := range es {
				var u User
				if err := body(es[i].Data.Body, &u); err != nil {
					return err
				}
				if err := h(ctx, u); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
