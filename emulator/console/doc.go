// Package console is the web console of the local stack, served by
// `rocketfn dev`: a form to publish a RocketMQ message (topic, tag, keys,
// body, properties, delay, sharding key), a live view of the functions'
// invocations with their outcomes and logs, each consumer group's backlog
// per topic with a reset of its offset, the dead-letter queues with
// re-drive, and a table browser for the local Tablestore.
//
// A message sent without an instance goes to the instance of the
// bridge's triggers on its topic (s.yaml's InstanceId), so that it
// reaches them; when triggers consume the topic from several instances
// the form must name one.
//
// The page is one embedded HTML file with plain JavaScript over a small
// JSON API:
//
//	POST /api/send                      publish a message
//	GET  /api/invocations               the latest invocations, newest first
//	GET  /api/logs?function=F&request=R the log lines of one invocation
//	GET  /api/deadletters               dead letters of every trigger
//	POST /api/redrive                   re-drive dead letters {trigger, ids}
//	GET  /api/backlog[?instance=I...]   each group's ready, in-flight and dead messages per topic
//	POST /api/reset-offset              move a group {instance, topic, group, to}
//	GET  /api/tables                    the local Tablestore's tables
//	GET  /api/tables/{name}?limit=N     rows of a table, markers left out
//
// Backlog and reset-offset are also served alone by Admin, which the
// RocketMQ endpoints of `rocketfn dev` and `rocketfn mq` mount for
// `rocketfn mq backlog` and `rocketfn mq reset-offset`. "to" is earliest,
// latest or an RFC 3339 time (ParsePosition); the answer holds the number
// of messages the group then has to consume. Admin answers loopback
// clients that name the server by an IP address or localhost, and refuses
// cross-origin resets.
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
// X-Rocketfn-Token header. Without it: 401.
package console
