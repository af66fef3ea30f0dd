// Command rocketfn is the developer's tool of a rocketfn project: it
// scaffolds functions, runs the whole chain (RocketMQ, EventBridge,
// Function Compute, Tablestore) on one machine with the official SDKs
// unchanged, replays captured events, checks s.yaml and builds the
// binaries Serverless Devs deploys.
//
// Usage:
//
//	rocketfn <command> [flags]
//	rocketfn help [command]
//
// Commands:
//
//	init            create a project: go.mod, s.yaml, a first function, README
//	new             create a function from a template and add it to s.yaml
//	dev             run the local stack s.yaml describes, with a web console
//	send            publish one RocketMQ message, locally or to the cloud
//	invoke          deliver one payload to a function; its answer, logs, duration
//	replay          deliver captured payloads to a function and report outcomes
//	capture         turn captured payloads into fixtures
//	generate-event  print a sample payload as FC receives it
//	verify          check s.yaml against the code and the platform's limits
//	build           cross-compile the functions for FC (linux/amd64)
//	tables          list tables and rows of a Tablestore instance
//	mq              serve a local RocketMQ alone; mq backlog, mq reset-offset
//	tablestore      serve a local Tablestore alone
//	version         print the version and VCS revision rocketfn was built from
//
// For example, the local stack on its defaults:
//
//	rocketfn dev
//
// Under dev the local RocketMQ is strict, as the cloud is: it has the
// topics and groups s.yaml's triggers name plus those of the repeatable
// --topic INSTANCE/TOPIC and --group INSTANCE/GROUP flags (TOPIC alone is
// in the default instance); publishing elsewhere answers TopicNotExist.
// mq creates topics and groups on first use unless --strict, and takes
// the same --topic and --group flags. Both take --retention DURATION (72h
// by default), how long messages are kept.
//
// "rocketfn mq backlog" prints each consumer group's ready, in-flight and
// dead messages per topic with the age of the oldest unconsumed one, and
// "rocketfn mq reset-offset --topic T --group G --to
// earliest|latest|RFC3339" moves a group and prints how many messages it
// then has to consume. Both call the running dev's or mq's RocketMQ
// endpoint (--endpoint, else $MQ_ENDPOINT, else http://127.0.0.1:8080),
// which serves /api/backlog and /api/reset-offset to loopback clients
// beside MQ HTTP; they need it running, as the data directory is the
// running process's.
//
// send, and mq reset-offset, take the instance from --instance, else
// $MQ_INSTANCE, else the s.yaml (--file) trigger on the topic, so that a
// message reaches the trigger.
//
// "rocketfn init DIR" creates a project that builds on its own: go.mod,
// s.yaml, a first function of a rocketfn new template, README.md and
// .gitignore, then runs go mod tidy; it refuses a DIR that is not empty.
// go.mod requires github.com/rocketfn/rocketfn at the version of this
// command's build information when that is a published one (go install
// github.com/rocketfn/rocketfn/cmd/rocketfn@VERSION). A command built from
// a checkout (version "(devel)", or a pseudo-version with a VCS stamp)
// requires v0.0.0-00010101000000-000000000000 and replaces it with the
// checkout: --rocketfn-source, else the checkout whose source paths the
// binary recorded at build time (not with -trimpath), else the module of
// the current directory (go env GOMOD) when it is rocketfn's. "rocketfn
// version" prints which applies. "rocketfn new" in a project of its own
// runs go mod tidy there for the new function's imports.
//
// "rocketfn invoke FUNCTION" builds the function and runs it as replay
// does (the FC custom-runtime contract, an in-memory local Tablestore and
// RocketMQ), delivers one payload (--event FILE, --event - for standard
// input, or generated from --body and generate-event's flags, which
// default to the function's trigger), prints the answer or the failure as
// indented JSON on stdout and the request's log lines and duration on
// stderr, and exits 1 when the invocation failed. With --debug the
// function is built with -gcflags=all=-N -l and run under Delve
// (dlv exec --headless --api-version=2 --accept-multiclient on
// 127.0.0.1:--debug-port), which is installed with go install
// github.com/go-delve/delve/cmd/dlv@v1.27.2 when missing; Delve holds the
// function until a client attaches and continues.
//
// Each command lives in a file of its own and is listed in the command
// table in main.go. Exit status: 0 on success (and for help), 1 when a
// command fails, 2 for a usage error such as an unknown command or flag.
package main
