// Package syaml reads a Serverless Devs s.yaml into the model the local
// EventBridge and the rocketfn CLI use: the functions it deploys to
// Alibaba Cloud Function Compute and their EventBridge (RocketMQ)
// triggers. Every function and trigger keeps the line it came from, and
// every error names the file, the line and the key path:
//
//	s.yaml:14: resources.players.props.triggers[0].triggerConfig.eventSourceConfig: missing sourceRocketMQParameters.Topic
//
// Section numbers below refer to the project's research notes on Alibaba
// Cloud formats (aliyun-formats.md).
//
// # Two layouts
//
// The fc3 component (edition: 3.0.0, §3.1) lists resources; each has
// component: fc3 and props with functionName, runtime, code, handler,
// timeout, memorySize, instanceConcurrency, environmentVariables, role,
// vpcConfig (vpcId, vSwitchIds, securityGroupId), customRuntimeConfig
// (command, args, port), instanceLifecycleConfig (initializer, preStop:
// {handler, timeout}) and triggers (triggerName, triggerType, qualifier,
// invocationRole, sourceArn, triggerConfig).
//
// The older fc component (edition: 1.0.0, §3.2) lists services; each has
// component: devsapp/fc and props with service {name, role, vpcConfig
// (vswitchIds)}, function {name, runtime, codeUri, handler, caPort,
// customRuntimeConfig, initializer, initializationTimeout,
// instanceLifecycleConfig.preStop, ...} and triggers (name, type, role,
// qualifier, sourceArn, config). Both read into the same Function.
//
// An eventbridge trigger's config (§3.1) has triggerEnable,
// asyncInvocationType, eventRuleFilterPattern (a JSON string or a YAML
// mapping), eventSourceConfig {eventSourceType, eventSourceParameters:
// {sourceRocketMQParameters: {Topic, Tag, GroupID, Offset, Timestamp,
// InstanceId, InstanceType, RegionId, FilterType, ...}}},
// eventSinkConfig.deliveryOption {mode, eventSchema, concurrency} and
// runOptions {mode, maximumTasks, errorsTolerance, retryStrategy
// {PushRetryStrategy, MaximumEventAgeInSeconds, MaximumRetryAttempts},
// deadLetterQueue {Arn}, batchWindow {CountBasedWindow, TimeBasedWindow}}.
// Other trigger types keep their name, type, line and raw config.
//
// # References
//
// ${vars.x}, ${env(NAME)} (also env('NAME') and env.NAME), ${this.name},
// ${this.access}, ${this.props.x}, ${resources.r.props.x} (and
// ${services.s.props.x}, ${r.props.x}) and, inside a function's props,
// ${functionName} are resolved. A value that is exactly one reference
// takes the referenced value with its type; references inside longer
// strings are replaced by their text. Anything else, such as
// ${config('AccountID')}, ${file(...)} or a deploy output, stays as written
// and is recorded in Project.Warnings. The environment is read only through
// the lookup given with WithEnv; Load passes os.LookupEnv.
//
// # Defaults
//
// Values the file leaves out get the defaults FC and EventBridge apply,
// where the research states them:
//
//   - handler "handler" (fc3 only), timeout 3 s, memorySize 512,
//     instanceConcurrency 1 (§2.1, fc3 config.ts);
//   - port 9000 and command /code/bootstrap for custom runtimes (§2.1);
//   - qualifier LATEST (§3.1 examples);
//   - eventRuleFilterPattern "{}", matching every event (§4.1);
//   - PushRetryStrategy BACKOFF_RETRY and errorsTolerance NONE (§4.2);
//     no dead-letter queue (§4.2);
//   - eventSchema CloudEvents (§1.2; every RocketMQ sample is CloudEvents);
//   - mode event-streaming, with a warning: no API default is documented
//     (§6 item 8), and the FC 3.0 console creates event streams (§0);
//   - batch of one event, pushed at once: CountBasedWindow 1,
//     TimeBasedWindow 0 ("0 means real-time", §1.2); event-driven
//     triggers always deliver one event (§3.1), so a batchWindow there is
//     a warning and is dropped;
//   - Offset CONSUME_FROM_TIMESTAMP when Timestamp is set, else
//     CONSUME_FROM_LAST_OFFSET, and RegionId the function's region (not
//     stated by the research);
//   - triggerEnable true and asyncInvocationType false (§3.1 examples).
//
// Trigger.Retries and Trigger.RetryDelay give the push retry schedule of
// §4.2.
//
// # Robustness
//
// Parse never panics: YAML library calls are guarded, aliases, merges,
// nesting and references are bounded, and everything else becomes an Error
// or a Warning. Unknown top-level keys, unknown keys in the EventBridge
// blocks (key names are case-sensitive) and unresolved references are
// warnings; wrong types (timeout: "60"), values outside their documented
// range or enumeration and missing required keys are errors. So is a Tag
// that package tagexpr refuses ("||", "A||", "A||*", a tag over 128
// bytes): the error at its line quotes the expression and says what is
// wrong with it.
package syaml
