// Players turns RocketMQ messages into rows of a Tablestore table. Each
// message of topic players (any tag) carries a JSON body
//
//	{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}
//
// which becomes the row of primary key id (STRING) with the columns Name,
// Job and Hero, put through package runtime/store: the writes of one
// invocation go to Tablestore together, in BatchWriteRow requests, once
// every message has been handled, and a redelivered message changes
// nothing. A body that does not fit (not JSON, an id that is not a
// string, no id) fails its message alone; the invocation then fails,
// listing it, and EventBridge retries the invocation.
//
// Besides Name, Job and Hero a row holds one _rfn_* column per message
// that changed it, the idempotency markers package runtime/store
// reads to recognize a redelivery; other readers of the table skip
// columns with that prefix. Markers older than 48 hours are removed from a
// sample of the rows written later.
//
// # Configuration
//
// The environment, read once at start:
//
//	TABLESTORE_ENDPOINT   the instance's endpoint (required; in local mode the local Tablestore's)
//	TABLESTORE_INSTANCE   the instance name (required; in local mode rocketfn)
//	PLAYERS_TABLE         the table (default players)
//	PLAYERS_CREATE_TABLE  true creates the table at start if it is missing, for local runs
//	ROCKETFN_LOCAL        true (set by rocketfn dev): local mode, which also creates the table
//	ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN
//	                      the key requests are signed with when an invocation carries none
//	                      (in local mode: the local Tablestore's key)
//	FC_CUSTOM_LISTEN_PORT the port of the custom runtime (default 9000); ROCKETFN_HOST narrows
//	                      the interface for local runs
//
// On Function Compute each invocation carries the function role's STS
// credentials (the x-fc-access-key-id, x-fc-access-key-secret and
// x-fc-security-token headers), and those sign its requests.
//
// # Running it locally
//
// Start the local Tablestore, then the function beside it, then send it
// what FC delivers for an event-streaming trigger:
//
//	go run ./cmd/rocketfn tablestore --memory
//	PLAYERS_CREATE_TABLE=true ROCKETFN_HOST=127.0.0.1 go run ./functions/players
//	curl -s -XPOST localhost:9000/invoke -H 'x-fc-request-id: r1' \
//	     --data-binary @functions/players/testdata/players-batch.json
//
// The rows are then in table players of instance rocketfn at
// http://127.0.0.1:8020, for the official SDK to read with the access key
// the first command prints.
package main
