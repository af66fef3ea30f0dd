package awslambda

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// platform is the Invocation.Platform of invocations on Lambda.
const platform = "lambda"

// preStopTimeout bounds the preStop hook: Lambda gives a function with one
// internal extension 500 ms between SIGTERM and SIGKILL.
const preStopTimeout = 450 * time.Millisecond

// Handler adapts app to aws-lambda-go: the payload bytes Lambda receives
// (an EventBridge target, a direct invoke with an FC-shaped payload, ...)
// go to app.Invoke, with an fn.Invocation built from the Lambda context in
// the context.
//
// Invoke returns the App's response, or null when there is none. When the
// invocation fails it returns a messages.InvokeResponse_Error value, which
// aws-lambda-go reports to Lambda as it is, so that the function error
// keeps rocketfn's errorType and errorMessage.
func Handler(app *fn.App) lambda.Handler {
	return &handler{
		app:         app,
		region:      os.Getenv("AWS_REGION"),
		handlerName: os.Getenv("_HANDLER"),
	}
}

type handler struct {
	app         *fn.App
	region      string // AWS_REGION, for invocations without a function ARN
	handlerName string // _HANDLER
}

// Invoke handles one Lambda invocation.
func (h *handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ctx = fn.NewContext(ctx, h.invocation(ctx))
	out, err := h.app.Invoke(ctx, payload)
	if err != nil {
		return nil, lambdaError(err)
	}
	if len(out) == 0 {
		return []byte("null"), nil
	}
	return out, nil
}

// invocation maps the Lambda context of ctx to the invocation metadata.
func (h *handler) invocation(ctx context.Context) *fn.Invocation {
	inv := &fn.Invocation{
		Platform: platform,
		Function: fn.Function{
			Name:    lambdacontext.FunctionName,
			Handler: h.handlerName,
			Memory:  lambdacontext.MemoryLimitInMB,
			Version: lambdacontext.FunctionVersion,
		},
		Region: h.region,
	}
	if d, ok := ctx.Deadline(); ok {
		inv.Deadline = d
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		inv.RequestID = lc.AwsRequestID
		arn := parseFunctionARN(lc.InvokedFunctionArn)
		inv.AccountID, inv.Function.Qualifier = arn.account, arn.qualifier
		if arn.region != "" {
			inv.Region = arn.region
		}
	}
	return inv
}

type functionARN struct{ region, account, qualifier string }

// parseFunctionARN splits the ARN a function was invoked with,
// arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>].
// It returns zero parts for anything else.
func parseFunctionARN(arn string) functionARN {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return functionARN{}
	}
	a := functionARN{region: parts[3], account: parts[4]}
	if len(parts) > 7 {
		a.qualifier = parts[7]
	}
	return a
}

// lambdaError is the error aws-lambda-go reports as the function error. It
// passes a messages.InvokeResponse_Error value through unchanged and names
// any other error by its Go type, so rocketfn errors are converted here.
func lambdaError(err error) error {
	var ie *fn.InvokeError
	if errors.As(err, &ie) {
		return messages.InvokeResponse_Error{Type: ie.Type, Message: ie.Message}
	}
	return messages.InvokeResponse_Error{Type: "Error", Message: err.Error()}
}

// Start runs app on AWS Lambda when AWS_LAMBDA_RUNTIME_API is set, else
// falls back to fn.Start(app): Function Compute's go1 runtime API, its
// custom runtime, or a CloudEvents HTTP server. One binary thus serves all
// four platforms. Start does not return. With fn.RoutesEnv set it hands
// over to fn.Start on Lambda too, which writes the App's routes report and
// exits.
//
// On Lambda, Start runs the App's initializer before taking invocations and
// exits the process if it fails, as Lambda expects of a failed init phase;
// it runs the App's preStop hook when Lambda sends SIGTERM at shutdown.
func Start(app *fn.App) {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" || fn.RoutesRequested() {
		fn.Start(app)
		return
	}
	if err := initialize(app); err != nil {
		fmt.Fprintln(os.Stderr, "rocketfn:", err)
		os.Exit(1)
	}
	lambda.StartWithOptions(Handler(app), lambda.WithEnableSIGTERM(func() { preStop(app) }))
}

// initialize runs the App's initializer, recovering a panic.
func initialize(app *fn.App) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("initializer panicked: %v", v)
		}
	}()
	if err := app.Initialize(context.Background()); err != nil {
		return fmt.Errorf("initializer: %w", err)
	}
	return nil
}

// preStop runs the App's preStop hook within the time Lambda leaves before
// it kills the process.
func preStop(app *fn.App) {
	ctx, cancel := context.WithTimeout(context.Background(), preStopTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintln(os.Stderr, "rocketfn: preStop panicked:", v)
		}
	}()
	if err := app.PreStop(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "rocketfn: preStop:", err)
	}
}
