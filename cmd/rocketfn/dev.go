package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// devFlags are the flags of "rocketfn dev".
type devFlags struct {
	file, data, mqListen, tsListen, capture, functions, logLevel string
	console                                                      string
	memory                                                       bool
	retention                                                    time.Duration
	topics, groups                                               nameList
	remoting                                                     remotingFlags
}

var devExamples = map[string]string{
	"file":              "--file deploy/s.yaml",
	"data":              "--data /tmp/rocketfn",
	"memory":            "--memory (nothing is kept after exit)",
	"mq-listen":         "--mq-listen 127.0.0.1:9080",
	"tablestore-listen": "--tablestore-listen 127.0.0.1:9020",
	"capture":           "--capture testdata/captured (replay them with rocketfn replay)",
	"functions":         "--functions players,orders",
	"log-level":         "--log-level debug",
	"console":           "--console 127.0.0.1:9090, or --console '' for none",
	"retention":         "--retention 168h (keep messages a week)",
	"topic":             "--topic MQ_INST_rocketfn/audit, or --topic audit for the default instance (repeatable)",
	"group":             "--group MQ_INST_rocketfn/GID_reports (repeatable)",
}

// runDev is the "dev" command: the local stack from s.yaml until SIGINT or
// SIGTERM.
func runDev(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return dev(ctx, args, os.Stdout, os.Stderr)
}

func dev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDevFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	proj, err := syaml.Load(f.file)
	if err != nil {
		return err
	}
	for _, w := range proj.Warnings {
		log.Warn("s.yaml", "line", w.Line, "key", w.Key, "warning", w.Message)
	}
	cfg := devConfig(f, proj, log)
	log.Info("starting the local stack: building the functions", "s.yaml", f.file)
	s, err := stack.Start(ctx, cfg)
	if err != nil {
		return err
	}
	printDevBanner(stdout, s, proj, f, dataDir(f.memory, f.data))
	<-ctx.Done()
	log.Info("stopping the local stack", "cause", context.Cause(ctx))
	closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Close(closeCtx); err != nil {
		return fmt.Errorf("stop the local stack: %w", err)
	}
	log.Info("local stack stopped")
	return nil
}

func parseDevFlags(args []string, stderr io.Writer) (devFlags, error) {
	var f devFlags
	fs := flag.NewFlagSet("rocketfn dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.file, "file", "s.yaml", "the Serverless Devs `file` describing the functions and triggers")
	fs.StringVar(&f.data, "data", ".rocketfn", "`directory` holding the local services' data")
	fs.BoolVar(&f.memory, "memory", false, "keep the data in memory instead of --data")
	fs.StringVar(&f.mqListen, "mq-listen", "127.0.0.1:8080", "`address` of the local RocketMQ")
	fs.StringVar(&f.tsListen, "tablestore-listen", "127.0.0.1:8020", "`address` of the local Tablestore")
	fs.StringVar(&f.capture, "capture", "", "record every delivered payload in this `directory`")
	fs.StringVar(&f.functions, "functions", "", "run only these comma-separated function `names`")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug, info or warn")
	fs.StringVar(&f.console, "console", "127.0.0.1:8090", "`address` of the web console; empty for none")
	fs.DurationVar(&f.retention, "retention", broker.DefaultRetention, "how long the local RocketMQ keeps a message, consumed or not (`duration`)")
	fs.Var(&f.topics, "topic", "a topic `INSTANCE/TOPIC` (or TOPIC in the default instance) to create besides those s.yaml's triggers name; repeatable")
	fs.Var(&f.groups, "group", "a consumer group `INSTANCE/GROUP` (or GROUP) to create besides the triggers' groups; repeatable")
	f.remoting.register(fs)
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn dev [flags]

Runs the local stack an s.yaml describes: the local RocketMQ and Tablestore,
the local EventBridge with the file's RocketMQ triggers, and each function
built from its source and run as Function Compute runs it. Publish with
rocketfn send (or any MQ HTTP SDK, or rocketmq-client-go through the name
server on --nameserver-listen) and read the rows with any Tablestore SDK.
Ctrl-C stops the functions (pre-stop first) and closes the data cleanly.

As in the cloud, the local RocketMQ has only the topics and groups that
exist: those s.yaml's triggers name (InstanceId, Topic, GroupID) and those
of --topic and --group. Publishing to another topic answers TopicNotExist,
consuming as another group SubscriptionNotExist. A trigger's group starts at
its Offset the first time it runs on --data, and keeps its progress across
restarts; rocketfn mq backlog and rocketfn mq reset-offset show and move it.
`, withExamples(devExamples), `
Examples:

  rocketfn dev
  rocketfn dev --memory --capture testdata/captured
  rocketfn dev --file s.yaml --functions players --log-level debug
  rocketfn dev --topic MQ_INST_rocketfn/audit --group MQ_INST_rocketfn/GID_audit --retention 24h
  rocketfn dev --nameserver-listen 127.0.0.1:9877 --remoting-listen 127.0.0.1:10921 --acl
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	if err := checkRetention(f.retention); err != nil {
		return f, err
	}
	if err := f.remoting.check(fs); err != nil {
		return f, err
	}
	return f, nil
}

// devConfig is the stack configuration of the flags.
func devConfig(f devFlags, proj *syaml.Project, log *slog.Logger) stack.Config {
	cfg := stack.Config{Project: proj, MQListen: f.mqListen, TablestoreListen: f.tsListen, Capture: f.capture,
		ConsoleListen: f.console, Logger: log, Topics: f.topics, Groups: f.groups, Retention: f.retention,
		NameServerListen: f.remoting.nameListen, RemotingListen: f.remoting.brokerListen, NoRemoting: f.remoting.off, ACL: f.remoting.acl}
	if !f.memory {
		cfg.DataDir = f.data
	}
	if f.functions != "" {
		cfg.Functions = strings.Split(f.functions, ",")
	}
	return cfg
}

// mqInstance is the RocketMQ instance of the project's triggers when they
// share one.
func mqInstance(proj *syaml.Project) string {
	inst := ""
	for _, f := range proj.Functions {
		for _, t := range f.Triggers {
			if t.Topic == "" {
				continue
			}
			if inst != "" && t.Instance != inst {
				return ""
			}
			inst = t.Instance
		}
	}
	return inst
}

func printDevBanner(w io.Writer, s *stack.Stack, proj *syaml.Project, f devFlags, data string) {
	mqc, tsc := s.MQ.Credentials(), s.Tablestore.Credentials()
	nameServer, inst := clientAddr(s.NameServer), mqInstance(proj)
	fmt.Fprintf(w, "The local stack is running.\n\n")
	fmt.Fprintf(w, "  RocketMQ (MQ HTTP):  %s  key %s / %s\n", s.MQEndpoint, mqc.AccessKeyID, mqc.AccessKeySecret)
	if s.NameServer != "" {
		fmt.Fprintf(w, "  RocketMQ (remoting): name server %s  broker %s%s\n", nameServer, s.BrokerAddr, aclNote(f.remoting.acl))
	}
	fmt.Fprintf(w, "  Tablestore:          %s  instance %s  key %s / %s\n", s.TablestoreEndpoint, s.Tablestore.Instance(), tsc.AccessKeyID, tsc.AccessKeySecret)
	fmt.Fprintf(w, "  data:                %s\n", data)
	if s.ConsoleURL != "" {
		fmt.Fprintf(w, "  web console:         %s\n", s.ConsoleURL)
	}
	for _, name := range s.Bridge.Triggers() {
		fmt.Fprintf(w, "  trigger:             %s\n", name)
	}
	fmt.Fprintf(w, "\nShell:\n\n")
	exports := [][2]string{{envMQEndpoint, s.MQEndpoint}, {envMQInstance, inst}}
	if s.NameServer != "" {
		exports = append(exports, [2]string{envNameServer, nameServer})
	}
	exports = append(exports, [][2]string{{envTablestoreEndpoint, s.TablestoreEndpoint}, {envTablestoreInstance, s.Tablestore.Instance()},
		{envAccessKeyID, tsc.AccessKeyID}, {envAccessKeySecret, tsc.AccessKeySecret}}...)
	for _, kv := range exports {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	if s.NameServer != "" {
		// A consumer needs a group that exists and that no trigger
		// reads: one of --group, in the triggers' instance.
		group := "GID_NAME"
		note := fmt.Sprintf("  (create the group with --group %s; a trigger's group would take its messages)\n", stack.Name{Instance: inst, Name: group})
		if i := slices.IndexFunc(f.groups, func(n stack.Name) bool { return n.Instance == inst }); i >= 0 {
			group, note = f.groups[i].Name, ""
		}
		var key *rocketmq.Credentials
		if f.remoting.acl {
			key = &mqc
		}
		fmt.Fprintln(w)
		printRemotingSnippet(w, nameServer, inst, group, key)
		fmt.Fprint(w, note)
	}
	fmt.Fprintf(w, "\nGroups' backlogs (with those exported): rocketfn mq backlog; move a group: rocketfn mq reset-offset\n")
	fmt.Fprintf(w, "\nTry (with those exported): rocketfn send --topic players --tag register --body '{\"id\":\"1001\",\"name\":\"ann\",\"job\":\"mage\",\"hero\":\"Lux\"}'\n\nPress Ctrl-C to stop.\n")
}
