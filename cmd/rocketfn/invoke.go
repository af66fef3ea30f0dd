package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// invokeFlags are the flags and the argument of "rocketfn invoke".
type invokeFlags struct {
	function, file, event, requestID, logLevel, trigger string
	debug                                               bool
	debugPort                                           int
	// sample describes the payload to generate when there is no --event.
	sample generateEventFlags
	// set holds the names of the flags given.
	set map[string]bool
}

// sampleFlagNames are the flags of invoke that describe a generated
// payload, as generate-event takes them.
var sampleFlagNames = []string{"topic", "tag", "body", "keys", "sharding-key", "property", "mode", "schema", "count", "region", "instance"}

var invokeExamples = func() map[string]string {
	m := map[string]string{
		"event":      "--event functions/greet/testdata/event.json, or --event - to read standard input",
		"file":       "--file deploy/s.yaml",
		"trigger":    "--trigger orders-paid (the s.yaml trigger whose topic, tag, mode, schema and instance a generated payload takes)",
		"request-id": "--request-id r1",
		"log-level":  "--log-level info (the local services' logs too)",
		"debug":      "--debug (then attach a debugger to the address it prints)",
		"debug-port": "--debug-port 0 (a free port)",
	}
	for _, name := range sampleFlagNames {
		m[name] = generateEventExamples[name]
	}
	m["topic"] = "--topic orders (default the trigger's)"
	m["mode"] = "--mode event-streaming (default the trigger's)"
	m["region"] = "--region cn-shanghai (default the trigger's)"
	m["instance"] = "--instance MQ_INST_shop (default the trigger's)"
	return m
}()

// runInvoke is the "invoke" command; SIGINT or SIGTERM stops it.
func runInvoke(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return invoke(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// invoke builds and starts one function of an s.yaml as replay does,
// delivers one payload to it, and prints the answer as JSON on stdout and
// the function's log of the request and the outcome on stderr. It fails
// when the invocation failed.
func invoke(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f, err := parseInvokeFlags(args, stderr)
	if err != nil {
		return err
	}
	proj, fn, err := loadFunction(f.file, f.function)
	if err != nil {
		return err
	}
	payload, err := f.payload(fn, stdin)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	inv, stop, err := f.start(ctx, proj, fn, log, stderr)
	if err != nil {
		return err
	}
	defer stop()
	res, err := inv.Invoke(ctx, payload, f.requestID)
	if err != nil {
		return err
	}
	stderr.Write(inv.Logs(res.RequestID))
	if err := writeInvokeResult(stdout, res); err != nil {
		return err
	}
	took := res.Duration.Round(time.Millisecond / 10)
	if res.Failed {
		return fmt.Errorf("request %s failed (%s) in %s", res.RequestID, res.ErrorType, took)
	}
	fmt.Fprintf(stderr, "request %s: ok in %s\n", res.RequestID, took)
	return nil
}

func parseInvokeFlags(args []string, stderr io.Writer) (invokeFlags, error) {
	f := invokeFlags{sample: generateEventFlags{props: propertyFlag{}}, set: map[string]bool{}}
	fs := flag.NewFlagSet("rocketfn invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.event, "event", "", "the payload `file` to deliver as it is, - for standard input (else --body and the other flags generate one)")
	fs.StringVar(&f.file, "file", "s.yaml", "the Serverless Devs `file` describing the function")
	fs.StringVar(&f.trigger, "trigger", "", "the `name` of the function's trigger a generated payload comes from (default its first RocketMQ trigger)")
	fs.StringVar(&f.requestID, "request-id", "", "the request `id` of the invocation (default a new one)")
	fs.StringVar(&f.logLevel, "log-level", "warn", "log `level` of the local services: debug, info or warn")
	fs.BoolVar(&f.debug, "debug", false, "build without optimizations and run the function under Delve, for a debugger to attach to")
	fs.IntVar(&f.debugPort, "debug-port", 2345, "loopback `port` Delve listens on with --debug; 0 picks a free one")
	f.sample.defineSampleFlags(fs, func(string) string { return "" })
	fs.Usage = func() { invokeUsage(fs) }
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return f, err
	}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	switch {
	case len(rest) == 0:
		return f, usagef("name the FUNCTION to invoke: rocketfn invoke FUNCTION --body BODY, or --event FILE")
	case len(rest) > 1:
		return f, usagef("unexpected argument %q: invoke takes one FUNCTION", rest[1])
	case f.debugPort < 0 || f.debugPort > 65535:
		return f, usagef("--debug-port %d: want 0 to 65535", f.debugPort)
	case f.set["debug-port"] && !f.debug:
		return f, usagef("--debug-port applies to --debug only")
	}
	f.function = rest[0]
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	var generating []string
	for _, name := range append(sampleFlagNames, "trigger") {
		if f.set[name] {
			generating = append(generating, "--"+name)
		}
	}
	switch {
	case f.event != "" && len(generating) > 0:
		return f, usagef("--event delivers a payload file as it is, and %s generate one: give one or the other", strings.Join(generating, ", "))
	case f.event == "" && !f.set["body"]:
		return f, usagef("name the payload: --event FILE, --event - for standard input, or --body BODY to generate one as the function's trigger delivers it")
	}
	return f, nil
}

// payload reads the --event payload, or generates one as fn's trigger
// delivers it, the flags given overriding what the trigger says.
func (f invokeFlags) payload(fn *syaml.Function, stdin io.Reader) ([]byte, error) {
	if f.event != "" {
		return readPayload(f.event, stdin)
	}
	s := f.sample
	s.spec.Function, s.spec.Trigger = fn.Name, fn.Name+"-rocketmq"
	t, err := f.sampleTrigger(fn)
	if err != nil {
		return nil, err
	}
	if t != nil {
		fill := func(name string, v *string, from string) {
			if !f.set[name] && from != "" {
				*v = from
			}
		}
		tag := ""
		if len(t.Tags) > 0 {
			tag = t.Tags[0]
		}
		s.spec.Trigger = t.Name
		fill("topic", &s.spec.Topic, t.Topic)
		fill("tag", &s.spec.Tag, tag)
		fill("mode", &s.spec.Mode, t.Mode)
		fill("schema", &s.spec.Schema, t.Schema)
		fill("instance", &s.spec.Instance, t.Instance)
		fill("region", &s.spec.Region, orDefault(t.RegionID, fn.Region))
	}
	if s.spec.Topic == "" {
		return nil, usagef("--topic is required: function %s has no RocketMQ trigger in %s to take it from", fn.Name, f.file)
	}
	if err := checkGenerateEventFlags(s); err != nil {
		return nil, err
	}
	return s.payload()
}

// sampleTrigger is the trigger of fn that --trigger names, else its first
// RocketMQ trigger; nil when it has none.
func (f invokeFlags) sampleTrigger(fn *syaml.Function) (*syaml.Trigger, error) {
	var names []string
	for _, t := range fn.Triggers {
		if t.Topic == "" {
			continue
		}
		if f.trigger == "" || t.Name == f.trigger {
			return t, nil
		}
		names = append(names, t.Name)
	}
	switch {
	case f.trigger == "":
		return nil, nil
	case len(names) == 0:
		return nil, usagef("--trigger %q: function %s has no RocketMQ trigger in %s", f.trigger, fn.Name, f.file)
	}
	return nil, usagef("--trigger %q: function %s has no such RocketMQ trigger (it has %s)", f.trigger, fn.Name, strings.Join(names, ", "))
}

// readPayload reads the payload file name, or stdin for "-".
func readPayload(name string, stdin io.Reader) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		name = "standard input"
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("read the payload: %w", err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("the payload in %s is empty: want one as FC delivers it (rocketfn generate-event prints one), or generate it with --body", name)
	}
	return b, nil
}

// start builds and starts the function, under Delve with --debug, and
// returns its invoker and what stops it.
func (f invokeFlags) start(ctx context.Context, proj *syaml.Project, fn *syaml.Function, log *slog.Logger, stderr io.Writer) (*fcinvoker.Invoker, func(), error) {
	if f.debug {
		return startDebug(ctx, proj, fn, f.debugPort, log, stderr)
	}
	s, err := startFunction(ctx, proj, fn.Name, log)
	if err != nil {
		return nil, nil, err
	}
	return s.Invokers[fn.Name], func() { closeStack(s, log) }, nil
}

// invokeFailure is what invoke prints for a failed invocation.
type invokeFailure struct {
	ErrorType string `json:"errorType"`
	Status    int    `json:"status,omitempty"`
	Response  any    `json:"response,omitempty"`
}

// writeInvokeResult prints res as indented JSON: the function's answer,
// or for a failure the error type, the HTTP status and the answer. An
// answer that is not JSON is printed as a JSON string.
func writeInvokeResult(w io.Writer, res fcinvoker.Result) error {
	var answer any
	switch {
	case len(res.Body) == 0:
	case json.Valid(res.Body):
		answer = json.RawMessage(res.Body)
	default:
		answer = string(res.Body)
	}
	if res.Failed {
		answer = invokeFailure{ErrorType: res.ErrorType, Status: res.Status, Response: answer}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(answer)
}

// invokeUsage prints the command's help.
func invokeUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn invoke FUNCTION [--event FILE|-] [flags]

Builds the function FUNCTION of s.yaml and runs it as rocketfn dev and
replay do, under the FC custom-runtime contract with an in-memory local
Tablestore and RocketMQ, then delivers one payload to it: the file of
--event as it is (- reads standard input), or one generated as the
function's RocketMQ trigger delivers it, from --body and the flags of
rocketfn generate-event (topic, tag, mode, schema and instance default to
the trigger's). It prints the function's answer as indented JSON on stdout
(for a failure: the error type, the HTTP status and the answer), and the
function's log lines of the request and the duration on stderr. The exit
status is 1 when the invocation failed.

With --debug the function is built without optimizations (-gcflags=all=-N -l)
and started under Delve (dlv exec --headless --api-version=2
--accept-multiclient); when dlv is neither in PATH nor in the go command's
bin directory, invoke first installs it with go install
`+delvePackage+`@`+delveVersion+`. Delve holds the function before main: attach a client to the address invoke
prints (dlv connect 127.0.0.1:PORT, or an editor's remote attach), set
breakpoints and continue; the payload is delivered once the function
listens. While debugging, the function's timeout is `+debugTimeout.String()+`.
`, invokeExamples, `
Examples:

  rocketfn invoke greet --body '{"id":"1001","text":"hello"}'
  rocketfn invoke greet --event functions/greet/testdata/event.json
  rocketfn generate-event --topic orders --tag paid --body @order.json | rocketfn invoke orders --event -
  rocketfn invoke orders --tag paid --body @order.json --mode event-streaming --count 10
  rocketfn invoke greet --body '{"id":"1001"}' --debug
`)
}
