// Package console is the web console of the local stack, served by
// `rocketfn dev`. One page shows, live:
//
//   - a form to publish a RocketMQ message (topic, instance, tag, keys,
//     body, properties, delay, sharding key), filled in with the topics
//     and instances the stack knows (s.yaml's triggers, declared topics,
//     the broker's);
//   - each function's throughput and p50/p99 latency over the last ten
//     minutes, as small inline SVG charts;
//   - the triggers with their state (running, paused, blocked) and
//     counters, with pause and resume;
//   - the topics and their consumer groups with backlog and the age of
//     the oldest unconsumed message, and a reset of a group's offset;
//   - the invocations with their outcome, duration and logs;
//   - a message search (by ID, key, tag, publish time) and, for one
//     message, its journey: published when and over which protocol, where
//     each group stands with it, every invocation of it (attempt,
//     outcome, duration, logs), its dead letter with a re-drive, and the
//     Tablestore rows it wrote;
//   - the dead letters with re-drive, and a table browser.
//
// Payloads and failure reasons are shown as indented JSON, JSON held in
// strings expanded. Empty lists say what to do. The page is plain HTML,
// CSS and JavaScript embedded in the binary (index.html, style.css,
// app.js): no build step, nothing fetched from elsewhere, so it works
// offline.
//
// A message sent without an instance goes to the instance of the
// bridge's triggers on its topic (s.yaml's InstanceId), so that it
// reaches them; when triggers consume the topic from several instances
// the form must name one.
//
// # API
//
// The page uses a small JSON API; errors are {"error": "..."} with a 4xx
// or 5xx status. Times are RFC 3339.
//
//	POST /api/send                      publish a message {instance, topic, tag, keys, body, properties, delaySeconds, shardingKey}: {messageId, bodyMD5, instance, topic}
//	GET  /api/invocations[?function=F][&limit=N]  the latest invocations, newest first (200 unless limit says)
//	GET  /api/logs?function=F&request=R the log lines of one invocation: {logs}
//	GET  /api/deadletters               dead letters of every trigger: payload as text, event as JSON
//	POST /api/redrive                   re-drive dead letters {trigger, ids}: {redriven}
//	GET  /api/backlog[?instance=I...]   each group's ready, in-flight and dead messages per topic
//	POST /api/reset-offset              move a group {instance, topic, group, to}: {pending, to}
//	GET  /api/tables                    the Tablestore's tables
//	GET  /api/tables/{name}?limit=N     rows of a table, bookkeeping columns (_rfn_*) left out
//	GET  /api/known                     the instances and topics the send form offers: {instances, topics: [{instance, topic, triggers, tags}], broker, noBroker}
//	GET  /api/topics                    every topic with its retained messages and its groups' backlogs: [{instance, topic, messages, groups: [{group, ready, inFlight, dead, oldest, retained, trigger, function}]}]
//	GET  /api/triggers                  the triggers with their source, delivery, state and counters
//	POST /api/triggers/{name}/pause     pause a trigger (eventbridge.Bridge.Pause): the trigger as /api/triggers shows it
//	POST /api/triggers/{name}/resume    resume it
//	GET  /api/metrics                   per function, the last 10 minutes in 10 s buckets: invocations, messages, failed, p50Ms, p99Ms
//	GET  /api/builds                    each function's last build (hot reload): ok, or the compiler's output while the previous build serves
//	GET  /api/messages?id=&key=&tag=&from=&to=&instance=&topic=&limit=  retained messages, newest first: {messages, truncated, limit, topics}
//	GET  /api/messages/{id}             a message's journey: {messageId, published, invocations, deadLetters, redrives, rows, notes}
//	GET  /api/events                    the live stream (Server-Sent Events), below
//
// A search without instance covers every known instance, without topic
// every topic; from and to bound the publish time (at or after from,
// before to); limit is 50 by default, 500 at most. Each message has its
// body (as text, base64 with base64 set when it is not UTF-8, and as
// JSON in bodyJson when it is JSON), its protocol (mq-http, remoting,
// grpc or console, as the broker recorded it) and its groups' progress
// (pending, delivered, done, dead; broker.GroupProgress).
//
// A journey holds the retained messages with the ID (the message and its
// copies in the remoting protocol's %RETRY% and %DLQ% topics), the
// invocations of its batches among the latest 5,000 the console saw
// (oldest first, with their logs), its dead letters, the redrives made
// from the console (the latest 200), and the rows, among the first 5,000 of each table,
// that carry its idempotency markers: package runtime/store names
// them after the first 12 bytes of the SHA-256 of the message ID, in
// hex, as _rfn_m<hash> (counting the writes applied) or _rfn_<hash>_<n>
// (the n-th write, holding its time). Markers expire with the
// idempotency window, and then the rows are no longer found. Notes say
// what could not be looked up.
//
// The live stream sends "invocations" (the latest, newest first) once,
// then "invocation" for each new one, and "topics", "triggers",
// "deadletters" and "metrics" (as the endpoints of the same names answer
// them; the dead letters newest first, at most 200, without the
// payload's text when its event is JSON) at the start and whenever they
// change: at most a second after,
// and sooner after a send, a redrive, a pause or an invocation. A view
// that cannot be computed is sent as {"error": ...}. The stream ends
// when the console stops (Run's context ends).
//
// Backlog and reset-offset are also served alone by Admin, which the
// RocketMQ endpoints of `rocketfn dev` and `rocketfn mq` mount for
// `rocketfn mq backlog` and `rocketfn mq reset-offset`. "to" is earliest,
// latest or an RFC 3339 time (ParsePosition); the answer holds the number
// of messages the group then has to consume. Admin answers loopback
// clients that name the server by an IP address or localhost, and refuses
// cross-origin resets.
//
// Without a local RocketMQ (Services.Broker nil: the triggers consume a
// cluster), send, backlog, reset-offset, topics and the message search
// answer 501 with Services.NoBroker; journeys go without the publication.
//
// # Who gets in
//
// Any page the developer's browser opens could otherwise call the API.
// Guard, which `rocketfn dev` wraps the console in, serves only requests
// to the console's own address (Host: its IP, or localhost and the
// loopback addresses on its port; a DNS-rebinding name gets 421), refuses
// cross-origin state-changing requests (http.CrossOriginProtection: 403),
// and requires the run's token (NewToken): `rocketfn dev` prints the
// console as http://127.0.0.1:8090/?token=..., which sets the token as a
// SameSite=Strict, HttpOnly cookie; programs send it in the
// X-Rocketfn-Token header. Without it: 401. This holds for every path,
// the page's files and the live stream included.
package console
