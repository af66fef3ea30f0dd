// Package syaml reads a Serverless Devs s.yaml into the model the local
// EventBridge and the rocketfn CLI use: the functions it deploys to
// Alibaba Cloud Function Compute, their EventBridge (RocketMQ) triggers
// and their Tablestore triggers. Every function and trigger keeps the
// line it came from, and every error names the file, the line and the
// key path:
//
//	s.yaml:14: resources.players.props.triggers[0].triggerConfig.eventSourceConfig: missing sourceRocketMQParameters.Topic
//
// The key names come from the Serverless Devs components and the Function
// Compute API models: github.com/devsapp/fc3 (__tests__/complete-props.yaml,
// src/interface/trigger.ts), github.com/devsapp/fc (docs/zh/yaml/*.md) and
// github.com/alibabacloud-go/fc-20230330 (client/*_model.go).
//
// # Two layouts
//
// The fc3 component (edition: 3.0.0) lists resources; each has
// component: fc3 and props with functionName, runtime, code, handler,
// timeout, memorySize, instanceConcurrency, environmentVariables, role,
// vpcConfig (vpcId, vSwitchIds, securityGroupId), customRuntimeConfig
// (command, args, port), instanceLifecycleConfig (initializer, preStop:
// {handler, timeout}) and triggers (triggerName, triggerType, qualifier,
// invocationRole, sourceArn, triggerConfig).
//
// The older fc component (edition: 1.0.0) lists services; each has
// component: devsapp/fc and props with service {name, role, vpcConfig
// (vswitchIds)}, function {name, runtime, codeUri, handler, caPort,
// customRuntimeConfig, initializer, initializationTimeout,
// instanceLifecycleConfig.preStop, ...} and triggers (name, type, role,
// qualifier, sourceArn, config). Both read into the same Function.
//
// An eventbridge trigger's config has triggerEnable,
// asyncInvocationType, eventRuleFilterPattern (a JSON string or a YAML
// mapping), eventSourceConfig {eventSourceType, eventSourceParameters:
// {sourceRocketMQParameters: {Topic, Tag, GroupID, Offset, Timestamp,
// InstanceId, InstanceType, RegionId, FilterType, InstanceNetwork,
// InstanceEndpoint, InstanceVpcId, InstanceVSwitchIds,
// InstanceSecurityGroupId, AuthType, InstanceUsername, InstancePassword,
// FilterSql}}}, eventSinkConfig.deliveryOption {mode, eventSchema,
// concurrency} and runOptions {mode, maximumTasks, errorsTolerance,
// retryStrategy {PushRetryStrategy, MaximumEventAgeInSeconds,
// MaximumRetryAttempts}, deadLetterQueue {Arn}, batchWindow
// {CountBasedWindow, TimeBasedWindow}}. Every one of them is read into
// the trigger's ebtrigger.Trigger, the model the local EventBridge runs
// as it is (package emulator/eventbridge says which settings have a local
// effect), and Trigger.Lines keeps the line of each key.
//
// A tablestore trigger (triggerType: tablestore in fc3, type: tablestore
// in fc) names its table by sourceArn,
// acs:ots:<region>:<account>:instance/<instance>/table/<table>, and by
// its config's instanceName and tableName (github.com/devsapp/fc
// docs/zh/yaml/triggers.md; fc3's complete-props.yaml sets the sourceArn
// with an empty triggerConfig). Either is enough; when both are set they
// must agree, and the ARN's region must be the function's, as the cloud
// requires ("The Tablestore table must reside in the same region as the
// function",
// https://www.alibabacloud.com/help/en/functioncompute/fc/tablestore-triggers).
// They are read into Trigger.Tablestore; invocationRole (role in fc) is
// Trigger.Role, and the trigger is always enabled (it has no switch).
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
// where they are published:
//
//   - handler "handler" (fc3 only), timeout 3 s, memorySize 512,
//     instanceConcurrency 1 (github.com/devsapp/fc3 src/default/config.ts,
//     src/resources/fc/impl/replace-function-config.ts);
//   - port 9000 (https://www.alibabacloud.com/help/doc-detail/209242.htm)
//     and command /code/bootstrap
//     (https://help.aliyun.com/document_detail/425055.html) for custom
//     runtimes;
//   - qualifier LATEST, as in every fc3 example;
//   - eventRuleFilterPattern "{}", fc3's default, matching every event
//     (https://help.aliyun.com/en/eventbridge/user-guide/event-patterns);
//   - PushRetryStrategy BACKOFF_RETRY, errorsTolerance NONE and no
//     dead-letter queue
//     (https://www.alibabacloud.com/help/en/eventbridge/retry-policies-and-dead-letter-queues,
//     github.com/alibabacloud-go/fc-20230330 client/run_options_model.go);
//   - eventSchema CloudEvents (every RocketMQ event sample in
//     https://www.alibabacloud.com/help/en/functioncompute/fc/formats-of-event-for-different-triggers-1
//     is a CloudEvent);
//   - mode event-streaming, with a warning: no API default is
//     documented, and the FC 3.0 console creates event streams
//     (https://www.alibabacloud.com/help/en/functioncompute/fc/apsaramq-for-rocketmq-triggers);
//   - batch of one event, pushed at once: CountBasedWindow 1,
//     TimeBasedWindow 0 ("0 means real-time",
//     https://www.alibabacloud.com/help/en/functioncompute/fc/advanced-features-of-triggers);
//     event-driven triggers always deliver one event, so a batchWindow
//     there is a warning and is dropped;
//   - Offset CONSUME_FROM_TIMESTAMP when Timestamp is set, else
//     CONSUME_FROM_LAST_OFFSET, and RegionId the function's region (no
//     published default);
//   - triggerEnable true and asyncInvocationType false, as in every fc3
//     example.
//
// The trigger defaults are ebtrigger.Trigger.SetDefaults, and
// Trigger.Retries and Trigger.RetryDelay give the push retry schedule,
// both from package ebtrigger.
//
// # Robustness
//
// Parse never panics: YAML library calls are guarded, aliases, merges,
// nesting and references are bounded, and everything else becomes an Error
// or a Warning. Unknown top-level keys, unknown keys in the EventBridge
// blocks and in a tablestore triggerConfig (key names are case-sensitive)
// and unresolved references are warnings; wrong types (timeout: "60"),
// values outside their documented range or enumeration and missing
// required keys are errors. So is a Tag
// that package tagexpr refuses ("||", "A||", "A||*", a tag over 128
// bytes): the error at its line quotes the expression and says what is
// wrong with it.
package syaml
