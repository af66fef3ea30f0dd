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
// its way to the dead-letter queue instead of losing it. With a raw route
// (see below), payloads that are not events go to it instead.
//
// WithFailureHandler changes this: failed messages go to a function of
// yours (to a queue of your own, say) and the invocation succeeds, so
// nothing is retried. A failure that function cannot take still fails the
// invocation.
//
// # Raw payloads
//
// An EventBridge rule (on a custom bus with a RocketMQ event source, say)
// or event stream can transform each event before its Function Compute
// target gets it. The target's Body parameter (PutTargets ParamList,
// resourceKey Body) has one of four forms, and the function receives:
//
//   - ORIGINAL, "Complete event": the CloudEvent as it is, an event.
//   - JSONPATH, "Partial event": the one value a JSONPath selects. A
//     string arrives as its text, not JSON-quoted: $.data.name of
//     {"data":{"name":"test"}} delivers test, so $.data.body delivers the
//     message body itself (JSON, text or base64). An object or array
//     arrives as its JSON, a number or boolean as its literal. $.data
//     delivers the RocketMQ data object, which decodes as RawData: an
//     event.
//   - CONSTANT: the configured text, as it is.
//   - TEMPLATE: the template with each ${name} replaced by the value its
//     variable's JSONPath selects (strings as their text): any text, or
//     JSON when the template is JSON.
//
// A JSONPath that matches nothing selects no value: a Partial event then
// delivers an empty payload, and a template an empty string in place of
// the variable.
//
// Sources: the EventBridge documents "Event transformation"
// (https://help.aliyun.com/en/eventbridge/user-guide/event-transformation:
// the examples above, "Variable value is empty in the output" when "the
// JSONPath expression does not match any field"), "Event target
// parameters"
// (https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-target-parameters:
// the forms of the Function Compute target's Body) and "Event
// transformation" for event streams
// (https://www.alibabacloud.com/help/en/eventbridge/user-guide/event-transformation-1);
// and apache/rocketmq-eventbridge, whose tools/transform reads a
// JSONPath's primitive value as its text, any other as its JSON, and a
// path that matches nothing as no value (JsonPathUtil.readJsonPathValue,
// JsonPathTransform). That an empty value reaches the function as an
// empty body is inferred from these, not documented; so is that an event
// stream batching transformed values delivers them as a JSON array.
//
// App.HandleRaw registers the route for these payloads, a RawHandler (or
// RawTyped, which decodes the payload as Typed decodes a body). The raw
// route takes exactly the payloads that hold no event (event.ErrNotEvent):
// an empty payload; text that is not valid JSON, unless an event's member
// comes before the error (a broken or truncated event); a JSON scalar; a JSON string that
// does not hold an event; an object with none of an event's members
// (data, detail, data_base64, specversion, topic, body, systemProperties,
// userProperties, msgId); a JSON array none of whose elements is an
// event, the empty array included. Every other payload takes the event
// routes, malformed events included, which fail as without a raw route.
// So a transform whose result is an object with one of those members
// (a body {"topic":"news",...} delivered by $.data.body, say) reads as an
// event: give such a target a template that wraps the value, as in
// {"order":${body}}. Without a raw route, payloads that are not events
// fail as before: with ErrorMalformedPayload, the error naming what is
// wrong, or, for an array of values, with a failure per element.
//
// The raw route gets its own copy of the payload's bytes and a context
// carrying the invocation (FromContext). It is handled as one message
// whose Body is the payload, with no ID, topic or tag: middleware, hooks,
// committers and the failure handler see that message (MessageFromContext
// returns it), and the outcome is reported as a single message's: the
// result, encoded as JSON, is the response body; an error or a panic fails
// the invocation with an *InvokeError listing one failure. Such a payload
// carries no message ID, so a retried one is not recognised as seen
// before: tie idempotency to the payload's content. An App with a raw
// route decodes a copy of every payload on the FC runtimes (which
// otherwise decode the request buffer in place), so that a payload that
// is not an event reaches the route as it came.
//
// # Tablestore trigger events
//
// Function Compute's Tablestore trigger invokes a function with a table's
// stream records, a CBOR payload (package rowchange describes it) sent as
// the POST /invoke body. App.HandleRows registers the route for them, a
// RowHandler (RowFunc, or Rows, which decodes each change into a struct
// with package store's `tablestore` tags):
//
//	app.HandleRows(fn.Rows(func(ctx context.Context, row rowchange.Row[Player]) error {
//		if row.Type == rowchange.DeleteRow { ... }
//		return scores.Put(ctx, Score{ID: row.Value.ID})
//	}))
//
// The payload is told from JSON by its first bytes (rowchange.IsPayload:
// a CBOR map header, which no JSON text starts with), and only in an App
// with a rows route: JSON payloads are decoded as before, at no extra
// cost, and without a rows route a CBOR payload fails as malformed (or
// goes to the raw route, as any payload that is not JSON). Each record is
// handled as one message, in payload order, one at a time: its ID is the
// change's ID (stable across the trigger's retries, so package store's
// writes for it apply once), its sharding key the row's primary key
// (Change.RowKey), its Body the record in CBOR (rowchange.DecodeRecord).
// Middleware, hooks, committers and the failure handler apply as to
// messages. A change whose handler fails, or whose record is malformed,
// fails alone and is reported in the InvokeError by position and ID; the
// trigger retries the whole invocation, so handlers must be idempotent. A
// payload that is not a Sync-v1 payload fails with ErrorMalformedPayload.
// The payload carries no table name: a function takes one table's
// trigger, and an App has one rows route.
//
// # Routes report
//
// A function tells what it handles when asked: started with the
// environment variable ROCKETFN_ROUTES=1 (RoutesEnv; any value but "" and
// "0"), Start, Run, Serve and ServeGo1 write the App's routes to standard
// output as one line of JSON, a RoutesReport, and exit with status 0,
// before they listen, call the platform or run the initializer. So a main
// that builds its App and calls one of them needs no change, and
// awslambda.Start, which calls Start unless AWS_LAMBDA_RUNTIME_API is
// set, answers too. The code main runs before it starts the App does run:
// connect to services in WithInitializer, not in main, for the report to
// touch none. One route looks like
//
//	{"topic":"orders","tags":"created||paid","kind":"single","type":"main.Order",
//	 "where":"{\"data\":{...}}","middleware":1,"registered":"/src/orders/main.go:21"}
//
// where kind is single (Handle), batch (HandleBatch with TypedBatch or any
// BatchHandler), items (HandleBatch with TypedItems) or raw (HandleRaw,
// the report's "raw" member), type the Go type the Typed constructors
// decode bodies into, where the Where option's event pattern, middleware
// how many App.Use middleware wrap the handler (batch handlers are not
// wrapped) and registered the call that registered the route. App.Routes
// returns the same report, for tests. rocketfn verify builds every
// function of s.yaml, runs it so, and checks the triggers against the
// routes: that each trigger's topic and tags have a route, that batch
// handlers are behind batching triggers.
package fn
