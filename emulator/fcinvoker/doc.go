// Package fcinvoker runs a function's binary the way Function Compute 3.0
// runs a custom runtime, so that the local EventBridge can invoke it:
//
//	inv, err := fcinvoker.Start(ctx, fcinvoker.Function{Name: "players", Dir: "functions/players", Build: true}, fcinvoker.Options{})
//	...
//	res, err := inv.Invoke(ctx, payload, "")
//	logs := inv.Logs(res.RequestID)
//	...
//	inv.Close(ctx)
//
// In a test, package fctest builds and runs a function's package with it.
//
// # Instances
//
// Start builds the binary when asked (go build, CGO_ENABLED=0; a failure
// is a *BuildError) and checks the command; it starts no process. Instances start lazily, as FC's cold
// starts: an invocation that finds every slot of every instance taken
// starts another while fewer than MaxInstances run, else it waits for a
// slot (or for its context). Each instance takes up to
// InstanceConcurrency invocations at once. An instance is a process run
// with the command in Dir, listening on a free loopback port told in
// FC_CUSTOM_LISTEN_PORT, FC_SERVER_PORT and PORT. It is ready when that
// port accepts connections, within Options.StartTimeout, and, when
// Initializer is set, after POST /initialize has succeeded. Instances run
// until Close, or until they fail; FC's reclaiming of idle instances is
// not emulated.
//
// Each instance's environment holds a few variables of the invoker's own
// (PATH, HOME and the like), then Function.Env, then Options.ExtraEnv,
// then FC's variables: FC_FUNCTION_NAME, FC_FUNCTION_HANDLER,
// FC_FUNCTION_MEMORY_SIZE, FC_TIMEOUT, FC_RUNTIME, FC_REGION,
// FC_ACCOUNT_ID, FC_INSTANCE_ID, FC_CUSTOM_LISTEN_PORT, FC_SERVER_PORT,
// PORT, FC_FUNC_CODE_PATH, FC_SERVER_PATH, the role's credentials as
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_SECURITY_TOKEN, and ROCKETFN_HOST=127.0.0.1, which makes
// runtime/fn listen on loopback only.
//
// # Invocations
//
// Invoke sends POST /invoke with the payload and FC's headers
// (x-fc-request-id, x-fc-function-name, x-fc-function-handler,
// x-fc-function-memory, x-fc-function-timeout, x-fc-region,
// x-fc-account-id, x-fc-qualifier, x-fc-instance-id, x-fc-control-path,
// x-fc-invocation-type: Sync and the credentials). The hooks get the
// same headers, with the hook's own timeout in x-fc-function-timeout (FC's
// choice there is not documented; runtime/fn takes that header as the
// hook's deadline) and in x-fc-initialization-timeout. The invocation fails
// when the answer is not 2xx or carries an x-fc-status other than 200
// (ErrorUnhandled); when it takes Timeout or longer (ErrorTimedOut: the
// instance is killed, as FC does, and replaced by the next invocation
// that needs one); when the process exits or drops the connection first
// (ErrorCrashed: the instance is killed if it still runs and replaced
// likewise; other invocations in flight on it fail the same way); and
// when the instance's initializer fails (ErrorInitialization). An
// instance that does not start makes Invoke return a *StartError naming
// the function, with its last log lines. When the caller's context ends
// first, Invoke returns its error and the instance is kept: the function
// sees its request cancelled.
//
// # Logs
//
// An instance's stdout and stderr share one pipe, so their lines keep the
// order the process wrote them in. Every line goes to Options.Logger as a
// record whose message is the line, with the function name, the instance
// ID and, when attributed, the request ID. Lines are attributed as FC
// does: those from "FC Invoke Start RequestId: X" to "FC Invoke End
// RequestId: X" belong to X, and likewise for the Initialize and PreStop
// markers of the hooks, which get request IDs of their own. While several
// requests are open on one instance, a line belongs to the request whose
// ID it contains (runtime/fn's LogHandler adds request_id to every record
// logged with the handler's context), else to none: it is logged without
// a request ID and not kept. Logs returns the kept lines of a request. They
// are held in memory, at most Options.LogBytes in all and a quarter of
// that per request; the oldest requests' logs are dropped first.
//
// # Reload
//
// Reload replaces the function's build while invocations go on, for
// `rocketfn dev` to run edited code without a restart. The instances of
// one build form a generation (Stats.Generation counts them). Reload
// builds into a directory of its own, beside the running binary, which it
// leaves alone; starts one instance of the new build and waits until it
// accepts connections and, with Initializer, has initialized; then, at
// once, sends every new invocation to the new generation and retires the
// old one. Invocations in flight on the old generation finish there;
// those that were waiting for one of its slots take one of the new
// generation's instead, so no invocation fails or is made twice because
// of a Reload. Once its last invocation has ended, the old generation's
// instances are stopped as Close stops them (GET /pre-stop when PreStop
// is set, SIGTERM, SIGKILL after Options.StopGrace) and its binary is
// removed; that drain runs in the background (Stats.Draining counts the
// instances it has yet to stop), and Close waits for it. While a
// generation drains, up to MaxInstances instances of each run.
//
// When the build fails, Reload returns a *BuildError with the compiler's
// output; when the new instance exits, does not listen or fails its
// initializer, a *StartError or the initializer's error. Either way the
// running generation keeps serving as before. Reloads run one at a time.
// A function without Build gets a new generation of the same command.
//
// # Close
//
// Close refuses new invocations, waits for those in flight, then stops
// each instance: GET /pre-stop when PreStop is set, SIGTERM, and SIGKILL
// after Options.StopGrace. It waits for the generations that Reload
// retired to drain likewise, and cuts a Reload under way short. An
// instance that did not exit with status 0 after SIGTERM, there or in a
// drain, is logged and counted in Stats.Unclean.
package fcinvoker
