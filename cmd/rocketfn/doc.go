// Command rocketfn runs the local side of a rocketfn project: emulators of
// the cloud services a function uses, so it can be developed and tested on
// one machine with the official SDKs unchanged.
//
// Usage:
//
//	rocketfn <command> [flags]
//	rocketfn help [command]
//
// Commands:
//
//	tablestore  serve a local Tablestore instance (see package
//	            emulator/tablestore)
//
// For example, to serve Tablestore on the default loopback port with its
// data in .rocketfn/tablestore:
//
//	rocketfn tablestore
//
// It prints the endpoint, instance and access key to give the SDK, as
// environment lines and as Go, and runs until interrupted (SIGINT or
// SIGTERM), when it closes the data directory cleanly.
//
// Each command lives in a file of its own and is listed in the command
// table in main.go. Exit status: 0 on success (and for help), 1 when a
// command fails, 2 for a usage error such as an unknown command or flag.
package main
