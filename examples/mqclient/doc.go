// Package mqclient is what the RocketMQ examples share: where to connect
// and with which key, read from the environment and flags, and a few
// functions around the official MQ HTTP SDK
// (github.com/aliyunmq/mq-http-go-sdk).
//
// The environment:
//
//	MQ_ENDPOINT                      the MQ HTTP endpoint (default http://127.0.0.1:8080, the local RocketMQ)
//	MQ_INSTANCE                      the instance ID, the ns parameter (default "", the default instance)
//	ALIBABA_CLOUD_ACCESS_KEY_ID      the access key (default rocketfn-local, the local key)
//	ALIBABA_CLOUD_ACCESS_KEY_SECRET  its secret (default rocketfn-local-secret)
//	ALIBABA_CLOUD_SECURITY_TOKEN     the STS security token, for temporary credentials
//
// The local defaults are those of "rocketfn mq"; when it runs with
// --listen, --access-key-id or --access-key-secret, export the values its
// banner prints. The flags -endpoint and -instance override the first two
// variables. A program reads them as
//
//	cfg := mqclient.FromEnv(os.Getenv)
//	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
//	cfg.RegisterFlags(fs)
//	err := fs.Parse(os.Args[1:])
//	client, err := cfg.Client()
//
// so the same program talks to the local stack with no configuration and
// to the cloud with
//
//	export MQ_ENDPOINT=http://1234567890.mqrest.cn-hangzhou.aliyuncs.com
//	export MQ_INSTANCE=MQ_INST_1234567890_BXhFHryi
//	export ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//
// In the cloud, topics and group IDs must exist first (created in the
// console); the local RocketMQ creates them on first use.
//
// # Consuming
//
// The SDK's consume calls answer on channels; Receive makes one of them a
// plain call that also ends with a context:
//
//	resp, err := mqclient.Receive(ctx, func(respc chan mq.ConsumeMessageResponse, errc chan error) {
//		consumer.ConsumeMessage(respc, errc, 16, 30) // up to 16 messages, a 30 s long poll
//	})
//	if err != nil && strings.Contains(err.Error(), "MessageNotExist") {
//		// no message within the long poll: poll again
//	}
//
// Handles lists the receipt handles of a batch for AckMessage, and
// AckErrors the per-handle failures of AckMessage, Commit and Rollback
// (a handle that expired fails alone).
package mqclient
