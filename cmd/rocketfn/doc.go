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
//	new             create a function from a template and add it to s.yaml
//	dev             run the local stack s.yaml describes, with a web console
//	send            publish one RocketMQ message, locally or to the cloud
//	replay          deliver captured payloads to a function and report outcomes
//	capture         turn captured payloads or function logs into fixtures
//	generate-event  print a sample payload as FC receives it
//	verify          check s.yaml against the code and the platform's limits
//	build           cross-compile the functions for FC (linux/amd64)
//	tables          list tables and rows of a Tablestore instance
//	mq              serve a local RocketMQ alone
//	tablestore      serve a local Tablestore alone
//
// For example, the local stack on its defaults:
//
//	rocketfn dev
//
// Each command lives in a file of its own and is listed in the command
// table in main.go. Exit status: 0 on success (and for help), 1 when a
// command fails, 2 for a usage error such as an unknown command or flag.
package main
