// Package fn runs typed Go handlers for RocketMQ messages delivered by
// EventBridge to Function Compute, and the same handlers on FC's go1
// runtime, AWS Lambda (package awslambda) and behind any CloudEvents HTTP
// sender.
//
// An App routes each message of an invocation by topic and tag (and,
// optionally, an EventBridge event pattern) to a handler:
//
//	app := fn.New()
//	app.Handle("orders", "created||paid", fn.Typed(func(ctx context.Context, o Order) error {
//		return save(ctx, o)
//	}))
//	app.HandleBatch("audit", "*", fn.TypedBatch(func(ctx context.Context, es []AuditEntry) error {
//		return saveAll(ctx, es)
//	}))
//	fn.Start(app)
//
// Typed, TypedMessage, TypedResult and TypedBatch decode bodies into the
// handler's type with generics, without reflection per call. Start picks
// the platform from the environment; App.Invoke runs the same decoding and
// dispatch on payload bytes, for tests.
//
// # Handling
//
// The messages of an invocation are handled one after another, in payload
// order, unless WithConcurrency allows more at once; messages that share a
// sharding key are always handled in order, one at a time. Every handler
// call recovers panics into a *PanicError with the stack. The platform's
// deadline is the context's deadline; when it passes, Invoke returns even
// if a handler does not. Middleware (App.Use) wraps every per-message
// handler; Hooks report timings for metrics; LogHandler adds the request and
// message IDs to log records.
//
// # Outcomes and retries
//
// Function Compute has no partial-batch acknowledgement: an invocation
// succeeds or fails as a whole. An invocation fails when any of its
// messages failed (its handler returned an error or panicked, no route took
// it, its body did not decode into the handler's type, its batch element
// was malformed) or when the deadline passed. The failure is reported as
// the platform expects (a custom runtime answers 404 with x-fc-status: 404,
// the go1 runtime posts to /error) with a JSON body, an *InvokeError,
// listing each failed message's ID and reason.
//
// EventBridge then retries the whole invocation: every message in it,
// including those that succeeded, per the trigger's retry strategy
// (BACKOFF_RETRY: 3 retries 10 to 20 seconds apart; EXPONENTIAL_DECAY_RETRY:
// up to 176 retries over about a day). When retries run out the event goes
// to the dead-letter queue if one is configured, else it is dropped
// (errorsTolerance ALL) or the event stream stops (NONE). Handlers must
// therefore be idempotent.
//
// A payload that is not JSON, or too large, fails the invocation with
// ErrorMalformedPayload: retrying it cannot help, but failing keeps it on
// its way to the dead-letter queue instead of losing it.
//
// WithFailureHandler changes this: failed messages go to a function of
// yours (to a queue of your own, say) and the invocation succeeds, so
// nothing is retried. A failure that function cannot take still fails the
// invocation.
package fn
