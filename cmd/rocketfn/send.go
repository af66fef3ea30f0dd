package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
)

// sendFlags are the flags of "rocketfn send".
type sendFlags struct {
	endpoint, instance, topic, tag, keys string
	body, shardingKey, keyID, keySecret  string
	token, file                          string
	fileSet                              bool
	props                                propertyFlag
	delay                                time.Duration
	at                                   string
	asJSON                               bool
}

// propertyFlag collects repeated --property key=value flags.
type propertyFlag map[string]string

func (p propertyFlag) String() string { return fmt.Sprint(map[string]string(p)) }

func (p propertyFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not key=value", s)
	}
	p[k] = v
	return nil
}

var sendExamples = map[string]string{
	"endpoint":     "--endpoint http://127.0.0.1:8080 (or $MQ_ENDPOINT)",
	"topic":        "--topic orders",
	"tag":          "--tag created",
	"keys":         "--keys 'order-1 customer-7'",
	"body":         `--body '{"id":"o1"}', or --body @order.json`,
	"property":     "--property region=hz --property attempt=1",
	"delay":        "--delay 30m (deliver in 30 minutes)",
	"at":           "--at 2026-12-01T08:00:00Z (deliver then)",
	"sharding-key": "--sharding-key o1 (ordered topics)",
	"instance":     "--instance MQ_INST_123_abc",
	"file":         "--file deploy/s.yaml",
}

// runSend is the "send" command: it publishes one message with the
// official MQ HTTP SDK and prints its ID.
func runSend(args []string) error { return send(args, os.Stdout, os.Stderr, os.Getenv) }

func send(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f, err := parseSendFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	body, err := readBody(f.body)
	if err != nil {
		return err
	}
	req := mq.PublishMessageRequest{MessageBody: body, MessageTag: f.tag, MessageKey: f.keys,
		Properties: f.props, ShardingKey: f.shardingKey}
	if req.StartDeliverTime, err = deliverTime(f); err != nil {
		return err
	}
	if f.instance == "" {
		if f.instance, err = triggerInstance(f.file, f.fileSet, f.topic); err != nil {
			return err
		}
	}
	client := mq.NewAliyunMQClient(f.endpoint, f.keyID, f.keySecret, f.token)
	resp, err := client.GetProducer(f.instance, f.topic).PublishMessage(req)
	if err != nil {
		return fmt.Errorf("publish to %s topic %s: %w", f.endpoint, f.topic, unreachable(err, "mq", f.endpoint, "--endpoint"))
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(map[string]string{"messageId": resp.MessageId, "bodyMD5": resp.MessageBodyMD5, "topic": f.topic})
	}
	fmt.Fprintf(stdout, "sent %s to %s (body MD5 %s)\n", resp.MessageId, f.topic, resp.MessageBodyMD5)
	return nil
}

func parseSendFlags(args []string, stderr io.Writer, getenv func(string) string) (sendFlags, error) {
	f := sendFlags{props: propertyFlag{}}
	fs := flag.NewFlagSet("rocketfn send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.endpoint, "endpoint", orDefault(getenv("MQ_ENDPOINT"), "http://127.0.0.1:8080"), "MQ HTTP `url` of the instance")
	fs.StringVar(&f.instance, "instance", getenv(envMQInstance), "instance `id` (the ns, or $MQ_INSTANCE); when both are empty, the instance of --file's triggers on the topic, else the default instance")
	fs.StringVar(&f.file, "file", "s.yaml", "the s.yaml `file` whose triggers give the topic's instance when --instance and $MQ_INSTANCE are empty (ignored when the default is missing)")
	fs.StringVar(&f.topic, "topic", "", "`topic` to publish to (required)")
	fs.StringVar(&f.tag, "tag", "", "message `tag`")
	fs.StringVar(&f.keys, "keys", "", "message `keys`, separated by spaces")
	fs.StringVar(&f.body, "body", "", "message `body`, or @file to read it from a file (- for standard input)")
	fs.Var(f.props, "property", "user property `key=value` (repeatable)")
	fs.DurationVar(&f.delay, "delay", 0, "deliver after this `duration`")
	fs.StringVar(&f.at, "at", "", "deliver at this RFC 3339 `time`")
	fs.StringVar(&f.shardingKey, "sharding-key", "", "sharding `key` of an ordered topic")
	fs.StringVar(&f.keyID, "access-key-id", orDefault(getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), rocketmq.DefaultAccessKeyID), "access key `id`")
	fs.StringVar(&f.keySecret, "access-key-secret", orDefault(getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), rocketmq.DefaultAccessKeySecret), "access key `secret`")
	fs.StringVar(&f.token, "security-token", getenv("ALIBABA_CLOUD_SECURITY_TOKEN"), "STS security `token`")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn send --topic TOPIC [flags]

Publishes one message with the official MQ HTTP SDK to the local RocketMQ
(rocketfn mq, rocketfn dev) or to a cloud endpoint, and prints its ID.
`, sendExamples, `
Examples:

  rocketfn send --topic players --tag register --body '{"id":"1001","name":"ann"}'
  rocketfn send --topic orders --tag created --keys o1 --sharding-key o1 --body @order.json
  rocketfn send --topic orders --tag timeout --delay 30m --body '{"id":"o1"}'
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	fs.Visit(func(fl *flag.Flag) { f.fileSet = f.fileSet || fl.Name == "file" })
	switch {
	case f.topic == "":
		return f, usagef("--topic is required")
	case f.delay != 0 && f.at != "":
		return f, usagef("--delay and --at exclude each other")
	case f.delay < 0:
		return f, usagef("--delay %v is negative", f.delay)
	}
	return f, nil
}

// readBody returns the body, reading @file or @- when asked.
func readBody(s string) (string, error) {
	name, ok := strings.CutPrefix(s, "@")
	if !ok {
		return s, nil
	}
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	return string(b), nil
}

// deliverTime is __STARTDELIVERTIME in ms, or 0 for now.
func deliverTime(f sendFlags) (int64, error) {
	switch {
	case f.delay > 0:
		return time.Now().Add(f.delay).UnixMilli(), nil
	case f.at != "":
		t, err := time.Parse(time.RFC3339, f.at)
		if err != nil {
			return 0, usagef("--at %q: want an RFC 3339 time such as 2026-12-01T08:00:00Z", f.at)
		}
		return t.UnixMilli(), nil
	}
	return 0, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
