package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/examples/mqclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, mqclient.FromEnv(os.Getenv), os.Stdout, os.Args[1:]...); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "consume:", err)
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	topic, group, tag string
	orderly           bool
	n                 int
	wait              time.Duration
}

// run consumes from -topic as -group with the connection cfg, which
// -endpoint and -instance in args override, printing each message to out
// and acknowledging it.
func run(ctx context.Context, cfg mqclient.Config, out io.Writer, args ...string) error {
	o, err := parseFlags(&cfg, out, args)
	if err != nil {
		return err
	}
	client, err := cfg.Client()
	if err != nil {
		return err
	}
	consumer := client.GetConsumer(cfg.Instance, o.topic, o.group, o.tag)
	return consume(ctx, consumer, o, out)
}

// parseFlags parses args into options and cfg's connection flags.
func parseFlags(cfg *mqclient.Config, out io.Writer, args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("consume", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg.RegisterFlags(fs)
	fs.StringVar(&o.topic, "topic", "", "`topic` to consume (required)")
	fs.StringVar(&o.group, "group", "GID_consume", "consumer group `id`; every group gets every message, consumers of one group share them")
	fs.StringVar(&o.tag, "tag", "", "tag `expression` such as created or created||paid; empty for all tags")
	fs.BoolVar(&o.orderly, "orderly", false, "consume orderly: the messages of each sharding key in publish order")
	fs.IntVar(&o.n, "n", 0, "exit after this many messages; 0 to consume until interrupted")
	fs.DurationVar(&o.wait, "wait", 0, "give up after this long without -n messages (0: no limit); with -n 0, consume for this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.topic == "":
		return o, errors.New("-topic is required")
	case o.group == "":
		return o, errors.New("-group must not be empty")
	case o.n < 0:
		return o, fmt.Errorf("-n %d: want 0 or more", o.n)
	case o.wait < 0:
		return o, fmt.Errorf("-wait %v: want 0 or a positive duration", o.wait)
	}
	return o, nil
}
