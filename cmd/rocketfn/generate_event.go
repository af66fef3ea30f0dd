package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
)

// generateEventFlags are the flags of "rocketfn generate-event".
type generateEventFlags struct {
	spec     sampleSpec
	msg      sampleMessage
	props    propertyFlag
	body     string
	count    int
	compact  bool
	function string
	trigger  string
}

var generateEventExamples = map[string]string{
	"topic":        "--topic orders",
	"tag":          "--tag created",
	"body":         `--body '{"id":"o1"}', or --body @order.json`,
	"keys":         "--keys 'order-1 customer-7'",
	"sharding-key": "--sharding-key o1",
	"property":     "--property region=hz (repeatable)",
	"mode":         "--mode event-driven (one CloudEvent object, no array)",
	"schema":       "--schema RawData (the data objects only)",
	"count":        "--count 100 (a batch of 100 events)",
	"function":     "--function orders (the event source is RocketMQ-<function>-<trigger>)",
	"trigger":      "--trigger orders-rocketmq",
}

// runGenerateEvent is the "generate-event" command: it prints a payload
// as Function Compute receives it from an EventBridge RocketMQ trigger.
func runGenerateEvent(args []string) error {
	return generateEvent(args, os.Stdout, os.Stderr, os.Getenv)
}

func generateEvent(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f, err := parseGenerateEventFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	payload, err := f.payload()
	if err != nil {
		return err
	}
	if !f.compact {
		var buf bytes.Buffer
		if err := json.Indent(&buf, payload, "", "  "); err != nil {
			return fmt.Errorf("indent the payload: %w", err)
		}
		payload = buf.Bytes()
	}
	_, err = fmt.Fprintf(stdout, "%s\n", payload)
	return err
}

// payload returns the compact payload f describes, the body read as
// --body says (a file with @file).
func (f *generateEventFlags) payload() ([]byte, error) {
	body, err := readBody(f.body)
	if err != nil {
		return nil, err
	}
	msg := f.msg
	msg.Body, msg.Props = body, f.props
	msgs := make([]sampleMessage, f.count)
	for i := range msgs {
		msgs[i] = msg
	}
	return samplePayload(f.spec, msgs)
}

func parseGenerateEventFlags(args []string, stderr io.Writer, getenv func(string) string) (generateEventFlags, error) {
	f := generateEventFlags{props: propertyFlag{}}
	fs := flag.NewFlagSet("rocketfn generate-event", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.defineSampleFlags(fs, getenv)
	fs.StringVar(&f.function, "function", "", "`name` of the function, for the event source (default the topic)")
	fs.StringVar(&f.trigger, "trigger", "", "`name` of the trigger, for the event source (default <function>-rocketmq)")
	fs.BoolVar(&f.compact, "compact", false, "print the payload on one line, as it is delivered")
	fs.Usage = func() { generateEventUsage(fs) }
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	f.spec.Function = orDefault(f.function, f.spec.Topic)
	f.spec.Trigger = orDefault(f.trigger, f.spec.Function+"-rocketmq")
	return f, checkGenerateEventFlags(f)
}

// defineSampleFlags defines on fs the flags that describe the messages of
// a sample payload and how the trigger delivers them, as generate-event
// and invoke take them.
func (f *generateEventFlags) defineSampleFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&f.spec.Topic, "topic", "", "RocketMQ `topic` of the messages (required)")
	fs.StringVar(&f.spec.Tag, "tag", "", "message `tag`")
	fs.StringVar(&f.body, "body", "", "message `body`, or @file to read it from a file (- for standard input)")
	fs.StringVar(&f.msg.Keys, "keys", "", "message `keys`, separated by spaces")
	fs.StringVar(&f.msg.ShardingKey, "sharding-key", "", "sharding `key` of an ordered topic")
	fs.Var(f.props, "property", "user property `key=value` (repeatable)")
	fs.StringVar(&f.spec.Mode, "mode", eventbridge.ModeEventStreaming, "trigger `mode`: event-streaming (a JSON array) or event-driven (one object)")
	fs.StringVar(&f.spec.Schema, "schema", eventbridge.SchemaCloudEvents, "event `schema`: CloudEvents or RawData")
	fs.IntVar(&f.count, "count", 1, "`number` of events in the payload; more than 1 needs event-streaming")
	fs.StringVar(&f.spec.Region, "region", eventbridge.DefaultRegion, "`region` of the events")
	fs.StringVar(&f.spec.Instance, "instance", orDefault(getenv(envMQInstance), sampleInstance), "RocketMQ instance `id`")
}

// checkGenerateEventFlags rejects a missing topic and values FC does not
// deliver.
func checkGenerateEventFlags(f generateEventFlags) error {
	switch {
	case f.spec.Topic == "":
		return usagef("--topic is required")
	case f.spec.Mode != eventbridge.ModeEventStreaming && f.spec.Mode != eventbridge.ModeEventDriven:
		return usagef("--mode %q: want event-streaming or event-driven", f.spec.Mode)
	case f.spec.Schema != eventbridge.SchemaCloudEvents && f.spec.Schema != eventbridge.SchemaRawData:
		return usagef("--schema %q: want CloudEvents or RawData", f.spec.Schema)
	case f.count < 1 || f.count > eventbridge.MaxBatchCount:
		return usagef("--count %d: want 1 to %d (CountBasedWindow)", f.count, eventbridge.MaxBatchCount)
	case f.count > 1 && f.spec.Mode == eventbridge.ModeEventDriven:
		return usagef("--count %d with --mode event-driven: an event-driven invocation carries one event", f.count)
	}
	return nil
}

// generateEventUsage prints the command's help.
func generateEventUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn generate-event --topic TOPIC [flags]

Prints a sample invocation payload as Function Compute receives it from an
EventBridge trigger with a RocketMQ source, in the shape the local
EventBridge (rocketfn dev) delivers: one CloudEvent object for an
event-driven trigger, a JSON array of them for event-streaming, the data
objects only with the RawData schema. Message and event IDs are new each
time. Feed it to a function's tests, to curl against a running function,
or to s local invoke -f.
`, generateEventExamples, `
Examples:

  rocketfn generate-event --topic players --tag register --body '{"id":"1001","name":"ann"}'
  rocketfn generate-event --topic orders --tag created --body @order.json --count 10 > testdata/batch.json
  rocketfn generate-event --topic orders --mode event-driven --schema RawData --body hello
  rocketfn generate-event --topic players --body '{"id":"1"}' --compact |
      curl -s -XPOST localhost:9000/invoke -H 'x-fc-request-id: r1' --data-binary @-
`)
}
