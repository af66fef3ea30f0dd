// Package stack runs the local cloud an s.yaml describes: the local
// RocketMQ and Tablestore, the local EventBridge with the file's RocketMQ
// triggers, and each function as a process under the FC custom-runtime
// contract, built from its source. `rocketfn dev` and the end-to-end tests
// start it.
//
// Functions run with the environment s.yaml gives them, except that
// TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE and MQ_ENDPOINT point at the
// local services and ROCKETFN_LOCAL is true; each invocation carries STS
// credentials that the local Tablestore issued, as FC passes the function
// role's.
package stack
