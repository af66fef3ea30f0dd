// Package awslambda runs a rocketfn App on AWS Lambda. It is the only
// package of rocketfn that imports github.com/aws/aws-lambda-go, so
// functions that never run on Lambda do not link it.
//
// A function that calls Start instead of fn.Start serves every platform
// from one binary: AWS Lambda when AWS_LAMBDA_RUNTIME_API is set, else what
// fn.Start serves (Function Compute's go1 runtime API, its custom runtime,
// and CloudEvents over HTTP):
//
//	func main() {
//		app := fn.New()
//		app.Handle("orders", "created||paid", fn.Typed(handleOrder))
//		awslambda.Start(app)
//	}
//
// On Lambda the payload bytes the function receives (an event forwarded by
// an EventBridge target, a direct invoke with a Function Compute-shaped
// payload, ...) go to App.Invoke unchanged, so every payload shape the
// event package decodes works. Handlers find the request ID, deadline and
// function in fn.FromContext, and the Lambda context itself in
// lambdacontext.FromContext. Credentials are left empty: Lambda passes the
// role's credentials in AWS_* environment variables, where the AWS SDK
// finds them.
//
// A failed invocation reaches Lambda as a function error whose errorType is
// rocketfn's (MessagesFailed, MalformedPayload, DeadlineExceeded) and whose
// errorMessage is the InvokeError's message. The per-message failures are
// logged by the App; Lambda's error payload has no place for them. An
// invocation without a result returns null, as Lambda functions without a
// return value do.
//
// Start also maps the App's lifecycle hooks onto Lambda's: the initializer
// (fn.WithInitializer) runs once during Lambda's init phase, before the
// first invocation, and the preStop hook (fn.WithPreStop) runs on the
// SIGTERM Lambda sends before it shuts the execution environment down.
// Lambda sends that signal only to functions with an extension, so Start
// registers an internal one (lambda.WithEnableSIGTERM).
//
// # Deploying
//
// Build the function for an OS-only runtime (provided.al2023) as an
// executable named bootstrap; the lambda.norpc tag leaves out the RPC mode
// of the retired go1.x runtime:
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap .
//	zip function.zip bootstrap
//
// The same binary, started with FC_RUNTIME_API or FC_CUSTOM_LISTEN_PORT,
// runs on Function Compute. Use Handler directly to combine rocketfn with
// other aws-lambda-go options; the lifecycle hooks are then yours to call:
//
//	lambda.StartWithOptions(awslambda.Handler(app), lambda.WithContext(ctx))
package awslambda
