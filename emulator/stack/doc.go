// Package stack runs the local cloud an s.yaml describes: the local
// RocketMQ and Tablestore, the local EventBridge with the file's RocketMQ
// triggers, the file's Tablestore triggers, and each function as a
// process under the FC custom-runtime contract, built from its source. `rocketfn dev` and the end-to-end tests
// start it.
//
// Functions run with the environment s.yaml gives them, except that
// TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE, MQ_ENDPOINT, NAMESRV_ADDR
// (unless Config.NoRemoting) and MQ_GRPC_ENDPOINT (unless Config.NoGRPC)
// point at the local services and ROCKETFN_LOCAL is true; each invocation carries STS credentials that the
// local Tablestore issued, as FC passes the function role's (see Shared
// infrastructure below for the services of a staging environment).
//
// The local RocketMQ is strict, as the cloud is: it has the topics and
// consumer groups that s.yaml's RocketMQ triggers name (in their
// instances, every trigger of the file, whether its function runs or
// not) and those of Config.Topics and Config.Groups, and nothing else.
// Publishing to another topic answers TopicNotExist, consuming as another
// group SubscriptionNotExist, so a name that works locally exists in
// the cloud too (provided it was created there). Config.Retention is how
// long it keeps messages.
//
// Each trigger's group starts at the trigger's Offset
// (CONSUME_FROM_LAST_OFFSET unless s.yaml says otherwise, with Timestamp
// for CONSUME_FROM_TIMESTAMP) the first time the stack runs it on a data
// directory; afterwards it keeps its progress across restarts, whatever
// the Offset (package eventbridge).
//
// Each trigger reaches the local EventBridge as syaml read it (the
// ebtrigger.Trigger model), with Config.AccountID and, when s.yaml gives
// neither RegionId nor a function region, Config.Region. Settings the
// local EventBridge keeps without an effect (eventbridge.NoLocalEffect:
// InstanceType, the instance's network and access keys, FilterSql, a
// concurrency or maximumTasks above 1, ...) are logged as warnings at
// Start, one per setting and s.yaml line, as "s.yaml:42: InstanceNetwork
// has no local effect"; triggers that share a block through a YAML
// anchor share its warnings.
//
// The local RocketMQ speaks MQ HTTP (Stack.MQEndpoint) and, on the same
// messages, topics and groups, unless Config.NoRemoting, the RocketMQ
// remoting protocol of github.com/apache/rocketmq-client-go (package
// remoting): a name server (Stack.NameServer) routing to a broker
// (Stack.BrokerAddr); and unless Config.NoGRPC, the RocketMQ 5.x gRPC
// protocol of github.com/apache/rocketmq-clients/golang/v5 (package
// proxy) on one endpoint (Stack.GRPCEndpoint, TLS and plaintext). A
// message sent any way reaches the triggers. A client namespace
// (WithNamespace, Config.NameSpace of the 5.x client) is the instance.
// With Config.ACL the remoting broker and the gRPC endpoint refuse
// unsigned requests; signed ones are verified against the MQ access key
// and the STS credentials it issued.
//
// The RocketMQ endpoint also serves the backlog and reset-offset API of
// console.Admin (GET /api/backlog, POST /api/reset-offset) to loopback
// clients, for `rocketfn mq backlog` and `rocketfn mq reset-offset`; the
// web console serves it too.
//
// # Tablestore triggers
//
// Each Tablestore trigger of s.yaml (triggerType: tablestore, its table
// named by sourceArn or triggerConfig; package syaml) runs on the local
// Tablestore, whatever instance it names: a consumer reads the table's
// stream in batches of up to streamevent.DefaultBatchSize records
// (streamevent.Reader) and invokes the function, through the same
// fcinvoker.Invoker as its other triggers, with each batch's CBOR event
// (Sync-v1, package streamevent), one invocation at a time, so records
// arrive in commit order. It waits on the server's StreamSignal for new
// records rather than polling.
//
// A batch is committed only once the function succeeded with it; a
// failed invocation (an error answer, a timeout, a crash, an instance
// that does not start) is retried with the same payload, 1 s later, then
// doubling up to 32 s, for as long as the records are kept. That is the
// cloud's documented behaviour, "the trigger retries until the log data
// in Tablestore expires", whose interval is not published
// (https://www.alibabacloud.com/help/en/functioncompute/fc/tablestore-triggers);
// the schedule is this package's choice, on Config.Clock (Tick runs a
// retry due on a fake clock). Before each retry the consumer checks that
// the records are still there: once they expired, or the table's stream
// was disabled (the documented way to stop the retries), the batch is
// logged as an error and counted (TablestoreTriggerStats.Trimmed and
// TrimmedRecords), and reading goes on from the oldest record kept.
// Delivery is at least once: a batch delivered but not yet committed when
// the stack stops is delivered again.
//
// The checkpoint (stream, shard, iterator) of each trigger is saved after
// each committed batch in DataDir's eventbridge.db, so a stack started
// again on the same data directory goes on after the records the function
// already took; in memory without a DataDir. A trigger that runs for the
// first time on a data directory starts at the oldest record the stream
// keeps, so records written before the stack started (by a function that
// creates and fills its table at start, say) are delivered too; the
// cloud's starting point is not documented.
//
// A table that exists without a stream fails Start with an error naming
// the table and the trigger's s.yaml line, as the cloud refuses such a
// trigger. A table that does not exist yet is waited for (functions
// often create their tables when they start), as is a stream disabled
// later; the wait is logged, with the line, and shows in
// TablestoreTriggerStats.Waiting. With Config.TablestoreEndpoint the
// Tablestore triggers are not run locally: the cloud's own triggers read
// that instance's streams.
//
// # Shared infrastructure
//
// With Config.RocketMQNameServers the triggers run on the topics of an
// existing RocketMQ cluster instead (package cluster, over the remoting
// protocol), consuming as the groups s.yaml names, a trigger's instance
// being the namespace (INSTANCE%TOPIC, INSTANCE%GROUP), with
// Config.RocketMQCredentials for a cluster with ACL. The local RocketMQ
// is then not started: nothing is declared (the cluster owns its topics
// and groups, and a trigger whose topic it lacks fails Start), there is
// no MQ HTTP endpoint, remoting or gRPC server, backlog or reset-offset
// API, the web console's send and backlog answer 501, and functions get
// NAMESRV_ADDR with the cluster's name servers and no MQ_ENDPOINT or
// MQ_GRPC_ENDPOINT. The groups' progress is the cluster's committed
// offsets; the bridge's own state (retries, dead letters) stays in
// DataDir.
//
// With Config.TablestoreEndpoint the functions use that Tablestore
// instance: TABLESTORE_ENDPOINT and TABLESTORE_INSTANCE name it and each
// invocation carries Config.TablestoreAccessKeyID and its secret (and
// Config.TablestoreSecurityToken) in place of STS credentials of the
// local Tablestore, which is not started. Config.Validate says what the
// two modes need and exclude.
package stack
