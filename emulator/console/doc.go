// Package console is the web console of the local stack, served by
// `rocketfn dev`: a form to publish a RocketMQ message (topic, tag, keys,
// body, properties, delay, sharding key), a live view of the functions'
// invocations with their outcomes and logs, the dead-letter queues with
// re-drive, and a table browser for the local Tablestore.
//
// The page is one embedded HTML file with plain JavaScript over a small
// JSON API:
//
//	POST /api/send                      publish a message
//	GET  /api/invocations               the latest invocations, newest first
//	GET  /api/logs?function=F&request=R the log lines of one invocation
//	GET  /api/deadletters               dead letters of every trigger
//	POST /api/redrive                   re-drive dead letters {trigger, ids}
//	GET  /api/tables                    the local Tablestore's tables
//	GET  /api/tables/{name}?limit=N     rows of a table, markers left out
package console
