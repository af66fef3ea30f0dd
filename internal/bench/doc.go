// Package bench measures rocketfn against the other ways of turning a
// RocketMQ-over-EventBridge payload into calls of a typed Go handler.
//
// Everything lives in the package's tests:
//
//   - BenchmarkDecodeDispatch decodes and dispatches one realistic 875-byte
//     event and a batch of 100 distinct events through rocketfn
//     (fn.App.Invoke with a fn.Typed handler), the CloudEvents Go SDK,
//     aws-lambda-go, encoding/json and github.com/goccy/go-json.
//     TestAllPathsAgree checks that every path hands the handler the same
//     values in the same order. BenchmarkRocketfnSplit splits the rocketfn
//     path into its payload decode and its per-message typed handling.
//   - BenchmarkColdStart times a minimal rocketfn function binary and a
//     minimal net/http server from exec to the first answered request
//     (the programs are under coldstart/).
//
// run.sh runs the suite and prints the medians and the rocketfn ratios;
// README.md has the method and the numbers of a run.
package bench
