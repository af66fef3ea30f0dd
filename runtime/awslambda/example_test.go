package awslambda_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/rocketfn/rocketfn/runtime/awslambda"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

type Order struct {
	ID     string `json:"id"`
	Amount int    `json:"amount"`
}

func ExampleHandler() {
	app := fn.New(quiet())
	app.Handle("orders", "*", fn.TypedResult(func(ctx context.Context, o Order) (string, error) {
		if o.Amount < 0 {
			return "", fmt.Errorf("order %s: negative amount", o.ID)
		}
		inv, _ := fn.FromContext(ctx)
		return fmt.Sprintf("%s: %d (request %s on %s)", o.ID, o.Amount, inv.RequestID, inv.Platform), nil
	}))
	h := awslambda.Handler(app)

	// aws-lambda-go puts the Lambda context in the context of every invocation.
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	out, err := h.Invoke(ctx, []byte(`{"topic":"orders","systemProperties":{"UNIQ_KEY":"m1"},"body":"{\"id\":\"o-1\",\"amount\":12}"}`))
	fmt.Println(string(out), err)

	// A failed invocation's error is the function error Lambda reports.
	_, err = h.Invoke(ctx, []byte(`{"topic":"orders","systemProperties":{"UNIQ_KEY":"m2"},"body":"{\"id\":\"o-2\",\"amount\":-3}"}`))
	payload, _ := json.Marshal(err)
	fmt.Println(string(payload))
	// Output:
	// "o-1: 12 (request req-1 on lambda)" <nil>
	// {"errorMessage":"1 of 1 messages failed; first: order o-2: negative amount","errorType":"MessagesFailed"}
}

// A main function that runs on AWS Lambda, Function Compute (custom and
// go1 runtimes) and behind CloudEvents senders.
func ExampleStart() {
	app := fn.New()
	app.Handle("orders", "created||paid", fn.Typed(func(ctx context.Context, o Order) error {
		inv, _ := fn.FromContext(ctx)
		fmt.Printf("order %s on %s, request %s\n", o.ID, inv.Platform, inv.RequestID)
		return nil
	}))
	awslambda.Start(app)
}
