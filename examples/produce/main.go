package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	mq "github.com/aliyunmq/mq-http-go-sdk"

	"github.com/rocketfn/rocketfn/examples/mqclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, mqclient.FromEnv(os.Getenv), os.Stdout, os.Args[1:]...); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "produce:", err)
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	kind, topic, group string
	tag, keys, body    string
	n                  int
	delay              time.Duration
}

// kindNames lists the values of -kind.
var kindNames = []string{"normal", "tagged", "keyed", "ordered", "delayed", "transactional"}

// run publishes -n messages of -kind to -topic with the connection cfg,
// which -endpoint and -instance in args override, and prints what it sent
// to out.
func run(ctx context.Context, cfg mqclient.Config, out io.Writer, args ...string) error {
	o, err := parseFlags(&cfg, out, args)
	if err != nil {
		return err
	}
	client, err := cfg.Client()
	if err != nil {
		return err
	}
	if o.kind == "transactional" {
		return runTransactional(ctx, client.GetTransProducer(cfg.Instance, o.topic, o.group), o, out)
	}
	publish := publishers[o.kind]
	producer := client.GetProducer(cfg.Instance, o.topic)
	for n := 1; n <= o.n; n++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped after %d of %d messages: %w", n-1, o.n, err)
		}
		resp, err := publish(producer, o.message(n))
		if err != nil {
			return fmt.Errorf("publish %s message %d to topic %s at %s: %w", o.kind, n, o.topic, cfg.Endpoint, err)
		}
		fmt.Fprintf(out, "published %s message %d: id=%s bodyMD5=%s\n", o.kind, n, resp.MessageId, resp.MessageBodyMD5)
	}
	return nil
}

// parseFlags parses args into options and cfg's connection flags.
func parseFlags(cfg *mqclient.Config, out io.Writer, args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("produce", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg.RegisterFlags(fs)
	fs.StringVar(&o.kind, "kind", "normal", "what to publish: "+strings.Join(kindNames, ", "))
	fs.StringVar(&o.topic, "topic", "", "`topic` to publish to (required)")
	fs.IntVar(&o.n, "n", 3, "how many messages to publish")
	fs.StringVar(&o.body, "body", "", "message `body`; {n} becomes the message's number (default \"<kind> message {n}\")")
	fs.StringVar(&o.tag, "tag", "created", "`tag` of tagged messages")
	fs.StringVar(&o.keys, "keys", "order-{n}", "`keys` of keyed messages, separated by spaces; {n} becomes the message's number")
	fs.DurationVar(&o.delay, "delay", 10*time.Second, "how long delayed messages stay invisible")
	fs.StringVar(&o.group, "group", "GID_produce", "producer group `id` of transactional messages, which the check-back uses")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, o.check()
}

// check reports flags that do not go together.
func (o options) check() error {
	switch {
	case !slices.Contains(kindNames, o.kind):
		return fmt.Errorf("-kind %q: want one of %s", o.kind, strings.Join(kindNames, ", "))
	case o.topic == "":
		return errors.New("-topic is required")
	case o.n < 1:
		return fmt.Errorf("-n %d: want at least 1", o.n)
	case o.kind == "tagged" && o.tag == "":
		return errors.New("-tag must not be empty for tagged messages")
	case o.kind == "keyed" && strings.TrimSpace(o.keys) == "":
		return errors.New("-keys must not be empty for keyed messages")
	case o.kind == "delayed" && o.delay <= 0:
		return fmt.Errorf("-delay %v: want a positive duration", o.delay)
	case o.kind == "transactional" && o.group == "":
		return errors.New("-group must not be empty for transactional messages")
	}
	return nil
}

// message returns the n-th message (from 1) to publish.
func (o options) message(n int) message {
	body := o.body
	if body == "" {
		body = o.kind + " message {n}"
	}
	num := strconv.Itoa(n)
	return message{
		n:     n,
		body:  strings.ReplaceAll(body, "{n}", num),
		tag:   o.tag,
		keys:  strings.ReplaceAll(o.keys, "{n}", num),
		delay: o.delay,
		props: map[string]string{"kind": o.kind, "n": num},
	}
}

// publisher publishes one message of a kind.
type publisher func(mq.MQProducer, message) (mq.PublishMessageResponse, error)

// publishers maps -kind to its function; transactional messages need a
// transactional producer and are in transaction.go.
var publishers = map[string]publisher{
	"normal":  publishNormal,
	"tagged":  publishTagged,
	"keyed":   publishKeyed,
	"ordered": publishOrdered,
	"delayed": publishDelayed,
}
