package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// mqFlags are the flags of "rocketfn mq".
type mqFlags struct {
	listen, data     string
	keyID, keySecret string
	memory, noSync   bool
	strict           bool
	logLevel         string
}

var mqExamples = map[string]string{
	"listen":            "--listen 127.0.0.1:9080, or --listen 127.0.0.1:0 for a free port",
	"data":              "--data ./testdata/mq",
	"access-key-id":     "--access-key-id dev-key",
	"access-key-secret": "--access-key-secret dev-secret",
	"memory":            "--memory (nothing is kept after exit)",
	"no-sync":           "--no-sync (for throwaway data)",
	"strict":            "--strict (publishing to an unknown topic fails as in the cloud)",
	"log-level":         "--log-level debug (one line per request)",
}

// runMQ is the "mq" command: it serves until SIGINT or SIGTERM.
func runMQ(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return serveMQ(ctx, args, os.Stdout, os.Stderr)
}

// serveMQ parses args, serves a RocketMQ instance until ctx is done, then
// closes it, flushing its data directory.
func serveMQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseMQFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	cfg := rocketmq.Config{AccessKeyID: f.keyID, AccessKeySecret: f.keySecret, NoSync: f.noSync,
		Broker: broker.Config{Strict: f.strict}, Logger: log}
	if !f.memory {
		cfg.Dir = f.data
	}
	srv, err := rocketmq.New(cfg)
	if err != nil {
		return fmt.Errorf("open data %s: %w", dataDir(f.memory, f.data), err)
	}
	endpoint, err := srv.Start(f.listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("serve on %s: %w", f.listen, err)
	}
	if !isLoopback(endpoint) {
		log.Warn("rocketmq is reachable beyond this machine; anyone with the access key can publish and consume", "listen", f.listen)
	}
	endpoint = clientEndpoint(endpoint)
	printMQBanner(stdout, srv, endpoint, dataDir(f.memory, f.data))
	log.Info("rocketmq ready", "endpoint", endpoint, "data", dataDir(f.memory, f.data))
	<-ctx.Done()
	log.Info("rocketmq shutting down", "cause", context.Cause(ctx))
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close rocketmq data %s: %w", dataDir(f.memory, f.data), err)
	}
	log.Info("rocketmq stopped")
	return nil
}

func parseMQFlags(args []string, stderr io.Writer) (mqFlags, error) {
	var f mqFlags
	fs := flag.NewFlagSet("rocketfn mq", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "`address` to serve on; keep it on loopback unless others must reach it")
	fs.StringVar(&f.data, "data", filepath.Join(".rocketfn", "rocketmq"), "`directory` holding the messages, created if missing")
	fs.StringVar(&f.keyID, "access-key-id", rocketmq.DefaultAccessKeyID, "access key `id` clients sign with")
	fs.StringVar(&f.keySecret, "access-key-secret", rocketmq.DefaultAccessKeySecret, "access key `secret` clients sign with")
	fs.BoolVar(&f.memory, "memory", false, "keep the messages in memory instead of --data")
	fs.BoolVar(&f.noSync, "no-sync", false, "acknowledge publishes before they reach the disk (a machine crash can lose them)")
	fs.BoolVar(&f.strict, "strict", false, "answer TopicNotExist for topics and groups not created first, as the cloud does")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug, info or warn")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn mq [flags]

Serves a local RocketMQ instance speaking the MQ HTTP protocol, which the
official MQ HTTP SDKs publish to and consume from unchanged, with its
messages in a directory (or in memory with --memory). It prints the endpoint
and access key to give clients, then serves until interrupted (Ctrl-C,
SIGINT or SIGTERM).
`, mqExamples, `
Examples:

  rocketfn mq
  rocketfn mq --listen 127.0.0.1:9080 --data /tmp/mq --log-level debug
  rocketfn mq --memory --strict
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	for name, v := range map[string]string{"access-key-id": f.keyID, "access-key-secret": f.keySecret, "listen": f.listen} {
		if v == "" {
			return f, usagef("--%s must not be empty", name)
		}
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	dataSet := false
	fs.Visit(func(fl *flag.Flag) { dataSet = dataSet || fl.Name == "data" })
	if f.memory && dataSet {
		return f, usagef("--memory and --data exclude each other")
	}
	return f, nil
}

// dataDir names where the data lives, for messages.
func dataDir(memory bool, dir string) string {
	if memory {
		return "(memory)"
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// Environment variables under which the banner offers the settings.
const (
	envMQEndpoint = "MQ_ENDPOINT"
	envMQInstance = "MQ_INSTANCE"
)

func printMQBanner(w io.Writer, srv *rocketmq.Server, endpoint, data string) {
	cred := srv.Credentials()
	fmt.Fprintf(w, "RocketMQ (MQ HTTP) is serving.\n\n")
	fmt.Fprintf(w, "  endpoint:          %s\n", endpoint)
	fmt.Fprintf(w, "  access key id:     %s\n", cred.AccessKeyID)
	fmt.Fprintf(w, "  access key secret: %s\n", cred.AccessKeySecret)
	fmt.Fprintf(w, "  data:              %s\n\n", data)
	fmt.Fprintf(w, "Shell:\n\n")
	for _, kv := range [][2]string{{envMQEndpoint, endpoint}, {envAccessKeyID, cred.AccessKeyID}, {envAccessKeySecret, cred.AccessKeySecret}} {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintf(w, "\nGo (import mq_http_sdk \"github.com/aliyunmq/mq-http-go-sdk\"):\n\n")
	fmt.Fprintf(w, "  client := mq_http_sdk.NewAliyunMQClient(%q, %q, %q, \"\")\n\n", endpoint, cred.AccessKeyID, cred.AccessKeySecret)
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}
