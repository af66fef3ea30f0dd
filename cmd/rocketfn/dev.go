package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/emulator/stack"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// devFlags are the flags of "rocketfn dev".
type devFlags struct {
	file, data, mqListen, tsListen, capture, functions, logLevel string
	console, accountID                                           string
	memory                                                       bool
	watch, noWatch                                               bool
	retention                                                    time.Duration
	topics, groups                                               nameList
	protocols                                                    protocolFlags
	shared                                                       sharedFlags
}

// sharedFlags point "rocketfn dev" at shared infrastructure: a RocketMQ
// cluster instead of the embedded RocketMQ, an existing Tablestore
// instead of the local one.
type sharedFlags struct {
	nameServers                      string // as given: host:port[,host:port]
	mqAccessKey, mqSecretKey         string
	tsEndpoint, tsInstance           string
	tsAccessKeyID, tsAccessKeySecret string
	rabbitURL                        string // --rabbitmq: amqp://user:pass@host:port/
}

// The environment variables that give the shared-infrastructure flags
// when they are not set: secrets stay out of the shell's history. They
// are not MQ_ENDPOINT, NAMESRV_ADDR or TABLESTORE_ENDPOINT, which the
// banner exports for the local services.
const (
	envDevNameServer        = "ROCKETFN_ROCKETMQ_NAMESERVER"
	envDevMQAccessKey       = "ROCKETFN_ROCKETMQ_ACCESS_KEY"
	envDevMQSecretKey       = "ROCKETFN_ROCKETMQ_SECRET_KEY"
	envDevTSEndpoint        = "ROCKETFN_TABLESTORE_ENDPOINT"
	envDevTSInstance        = "ROCKETFN_TABLESTORE_INSTANCE"
	envDevTSAccessKeyID     = "ROCKETFN_TABLESTORE_ACCESS_KEY_ID"
	envDevTSAccessKeySecret = "ROCKETFN_TABLESTORE_ACCESS_KEY_SECRET"
)

// sharedFlagEnv pairs each shared-infrastructure flag with its variable.
var sharedFlagEnv = []struct{ flag, env string }{
	{"rocketmq-nameserver", envDevNameServer}, {"rocketmq-access-key", envDevMQAccessKey}, {"rocketmq-secret-key", envDevMQSecretKey},
	{"tablestore-endpoint", envDevTSEndpoint}, {"tablestore-instance", envDevTSInstance},
	{"tablestore-access-key-id", envDevTSAccessKeyID}, {"tablestore-access-key-secret", envDevTSAccessKeySecret},
}

func (sh *sharedFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&sh.nameServers, "rocketmq-nameserver", "", "run the triggers on the topics of the RocketMQ cluster of these comma-separated name `servers` (host:port) instead of the embedded RocketMQ, which is then not started (or $"+envDevNameServer+")")
	fs.StringVar(&sh.mqAccessKey, "rocketmq-access-key", "", "access `key` signing the requests to a cluster with ACL (or $"+envDevMQAccessKey+")")
	fs.StringVar(&sh.mqSecretKey, "rocketmq-secret-key", "", "secret `key` of --rocketmq-access-key (or $"+envDevMQSecretKey+", which keeps it out of the shell's history)")
	fs.StringVar(&sh.tsEndpoint, "tablestore-endpoint", "", "`url` of an existing Tablestore instance the functions use instead of the local Tablestore, which is then not started (or $"+envDevTSEndpoint+")")
	fs.StringVar(&sh.tsInstance, "tablestore-instance", "", "`name` of the instance of --tablestore-endpoint (or $"+envDevTSInstance+")")
	fs.StringVar(&sh.tsAccessKeyID, "tablestore-access-key-id", "", "access key `id` the functions sign with on --tablestore-endpoint (or $"+envDevTSAccessKeyID+")")
	fs.StringVar(&sh.rabbitURL, "rabbitmq", "", "amqp://user:pass@host:port/ `url` of an existing RabbitMQ server whose queues the triggers with a RabbitMQ source consume (in their VirtualHostName; the queues must exist), instead of a local rabbitmq-server")
	fs.StringVar(&sh.tsAccessKeySecret, "tablestore-access-key-secret", "", "`secret` of --tablestore-access-key-id (or $"+envDevTSAccessKeySecret+", which keeps it out of the shell's history)")
}

// fromEnv fills the flags not given from their environment variables,
// and returns the names of the flags set either way.
func (sh *sharedFlags) fromEnv(fs *flag.FlagSet, getenv func(string) string) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	for _, fe := range sharedFlagEnv {
		if set[fe.flag] {
			continue
		}
		if v := getenv(fe.env); v != "" {
			fs.Set(fe.flag, v)
			set[fe.flag] = true
		}
	}
	return set
}

// cluster reports whether the triggers run on a RocketMQ cluster.
func (sh sharedFlags) cluster() bool { return sh.nameServers != "" }

// externalTablestore reports whether the functions use an existing
// Tablestore.
func (sh sharedFlags) externalTablestore() bool { return sh.tsEndpoint != "" }

// nameServerList is --rocketmq-nameserver split at commas (or the
// semicolons of NAMESRV_ADDR).
func (sh sharedFlags) nameServerList() []string {
	if sh.nameServers == "" {
		return nil
	}
	return strings.FieldsFunc(sh.nameServers, func(r rune) bool { return r == ',' || r == ';' })
}

// localMQFlags are the flags of the embedded RocketMQ, which does not run
// with --rocketmq-nameserver.
var localMQFlags = []string{"mq-listen", "nameserver-listen", "remoting-listen", "no-remoting", "grpc-listen", "no-grpc", "acl", "topic", "group", "retention"}

// check validates the shared-infrastructure flags; set names the flags
// given on the command line or through their variables.
func (sh sharedFlags) check(set map[string]bool) error {
	if sh.cluster() {
		parts := strings.Split(strings.ReplaceAll(sh.nameServers, ";", ","), ",")
		for _, ns := range parts {
			ns = strings.TrimSpace(ns)
			host, port, err := net.SplitHostPort(ns)
			n, perr := strconv.Atoi(port)
			if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
				return usagef("--rocketmq-nameserver %q: want host:port[,host:port], such as mq.staging:9876", sh.nameServers)
			}
		}
		for _, name := range localMQFlags {
			if set[name] {
				return usagef("--rocketmq-nameserver and --%s exclude each other: the embedded RocketMQ does not run on a cluster, which owns its topics and groups", name)
			}
		}
	}
	switch {
	case (sh.mqAccessKey != "" || sh.mqSecretKey != "") && !sh.cluster():
		return usagef("--rocketmq-access-key and --rocketmq-secret-key sign the requests to a cluster: they need --rocketmq-nameserver")
	case (sh.mqAccessKey == "") != (sh.mqSecretKey == ""):
		return usagef("--rocketmq-access-key and --rocketmq-secret-key go together")
	}
	if !sh.externalTablestore() {
		if sh.tsInstance != "" || sh.tsAccessKeyID != "" || sh.tsAccessKeySecret != "" {
			return usagef("--tablestore-instance and the --tablestore-access-key-* flags need --tablestore-endpoint")
		}
		return nil
	}
	if u, err := url.Parse(sh.tsEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return usagef("--tablestore-endpoint %q: want the instance's URL, such as https://myinst.cn-hangzhou.ots.aliyuncs.com", sh.tsEndpoint)
	}
	switch {
	case sh.tsInstance == "":
		return usagef("--tablestore-endpoint needs --tablestore-instance (or $%s)", envDevTSInstance)
	case sh.tsAccessKeyID == "" || sh.tsAccessKeySecret == "":
		return usagef("--tablestore-endpoint needs --tablestore-access-key-id and --tablestore-access-key-secret (or $%s and $%s): the functions sign with them",
			envDevTSAccessKeyID, envDevTSAccessKeySecret)
	case set["tablestore-listen"]:
		return usagef("--tablestore-endpoint and --tablestore-listen exclude each other: the local Tablestore does not run")
	}
	return nil
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
	"watch":             "--watch (the default: an edit of a function's source rebuilds and reloads it)",
	"no-watch":          "--no-watch (the functions run as built at start)",

	"rocketmq-nameserver":          "--rocketmq-nameserver mq-1.staging:9876,mq-2.staging:9876",
	"rocketmq-access-key":          "--rocketmq-access-key rocketmq2-staging",
	"rocketmq-secret-key":          "ROCKETFN_ROCKETMQ_SECRET_KEY=... rocketfn dev --rocketmq-nameserver ...",
	"tablestore-endpoint":          "--tablestore-endpoint https://staging.cn-hangzhou.ots.aliyuncs.com",
	"tablestore-instance":          "--tablestore-instance staging",
	"tablestore-access-key-id":     "--tablestore-access-key-id LTAI5t...",
	"tablestore-access-key-secret": "ROCKETFN_TABLESTORE_ACCESS_KEY_SECRET=... rocketfn dev --tablestore-endpoint ...",
}

// runDev is the "dev" command: the local stack from s.yaml until SIGINT or
// SIGTERM.
func runDev(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return dev(ctx, args, os.Stdout, os.Stderr)
}

// dev runs "rocketfn dev" with the flags' variables of the process's
// environment.
func dev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return devEnv(ctx, args, stdout, stderr, os.Getenv)
}

func devEnv(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f, err := parseDevFlagsEnv(args, stderr, getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	proj, err := syaml.Load(f.file, accountConfig(f.accountID))
	if err != nil {
		return err
	}
	logYAMLWarnings(log, proj.Warnings)
	if err := checkListeners(devListeners(f)); err != nil {
		return err
	}
	cfg := devConfig(f, proj, log)
	cfg.BuildOutput = stderr
	log.Info("starting the local stack: building the functions", "s.yaml", f.file)
	s, err := stack.Start(ctx, cfg)
	if errors.Is(err, rabbitmq.ErrNotInstalled) {
		return fmt.Errorf("%w\n(s.yaml has triggers with a RabbitMQ source: install the rabbitmq-server package, or give --rabbitmq amqp://user:pass@host:port/)", err)
	}
	if err != nil {
		return dataLocked(err, f.data)
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

// parseDevFlags parses the flags of "rocketfn dev", with the variables
// of the process's environment.
func parseDevFlags(args []string, stderr io.Writer) (devFlags, error) {
	return parseDevFlagsEnv(args, stderr, os.Getenv)
}

func parseDevFlagsEnv(args []string, stderr io.Writer, getenv func(string) string) (devFlags, error) {
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
	fs.BoolVar(&f.watch, "watch", true, "rebuild and reload a function when its sources change")
	fs.BoolVar(&f.noWatch, "no-watch", false, "do not watch the functions' sources")
	accountFlag(fs, &f.accountID, getenv)
	f.protocols.register(fs)
	f.shared.register(fs)
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn dev [flags]

Runs the local stack an s.yaml describes: the local RocketMQ and Tablestore,
the local EventBridge with the file's RocketMQ triggers, and each function
built from its source and run as Function Compute runs it. Publish with
rocketfn send (or any MQ HTTP SDK, rocketmq-client-go through the name
server on --nameserver-listen, or rocketmq-clients/golang/v5 on the 5.x
gRPC endpoint of --grpc-listen) and read the rows with any Tablestore SDK.
Ctrl-C stops the functions (pre-stop first) and closes the data cleanly.

Hot reload (--watch, the default; --no-watch turns it off): an edit of a
function's source (its package, the local packages it imports, go.mod,
go.sum) rebuilds that function and moves new invocations to the new build
while the messages keep flowing; invocations in flight finish on the old
build, which then gets its pre-stop. A build that fails is printed here
with the compiler's errors, and the previous build keeps serving.

As in the cloud, the local RocketMQ has only the topics and groups that
exist: those s.yaml's triggers name (InstanceId, Topic, GroupID) and those
of --topic and --group. Publishing to another topic answers TopicNotExist,
consuming as another group SubscriptionNotExist. A trigger's group starts at
its Offset the first time it runs on --data, and keeps its progress across
restarts; rocketfn mq backlog and rocketfn mq reset-offset show and move it.

Shared infrastructure: with --rocketmq-nameserver the local EventBridge and
the functions run on the topics of an existing RocketMQ cluster (over the
remoting protocol, signed with --rocketmq-access-key for ACL) instead of the
embedded RocketMQ, which is not started: the triggers consume as the groups
s.yaml names, in their InstanceId as namespace (INSTANCE%TOPIC), and the
cluster owns its topics and groups (none is created; --topic, --group,
--retention and the listeners of the embedded RocketMQ do not apply, nor do
rocketfn send and rocketfn mq). With --tablestore-endpoint the functions use
that Tablestore instance, with --tablestore-instance and the key of
--tablestore-access-key-id and --tablestore-access-key-secret, instead of the
local one, which is not started. Each of these flags may come from its
environment variable instead: `+sharedEnvList()+`.
`, withExamples(devExamples), `
Examples:

  rocketfn dev
  rocketfn dev --memory --capture testdata/captured
  rocketfn dev --file s.yaml --functions players --log-level debug
  rocketfn dev --topic MQ_INST_rocketfn/audit --group MQ_INST_rocketfn/GID_audit --retention 24h
  rocketfn dev --nameserver-listen 127.0.0.1:9877 --remoting-listen 127.0.0.1:10921 --acl
  rocketfn dev --grpc-listen 127.0.0.1:8091 --no-remoting
  ROCKETFN_ROCKETMQ_SECRET_KEY=... rocketfn dev --rocketmq-nameserver mq.staging:9876 --rocketmq-access-key AK
  ROCKETFN_TABLESTORE_ACCESS_KEY_SECRET=... rocketfn dev --tablestore-endpoint https://staging.cn-hangzhou.ots.aliyuncs.com \
      --tablestore-instance staging --tablestore-access-key-id AK
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	if err := checkAccountID(f.accountID); err != nil {
		return f, err
	}
	if err := checkRetention(f.retention); err != nil {
		return f, err
	}
	if err := checkWatch(fs, f); err != nil {
		return f, err
	}
	if err := f.protocols.check(fs); err != nil {
		return f, err
	}
	if err := f.shared.check(f.shared.fromEnv(fs, getenv)); err != nil {
		return f, err
	}
	return f, nil
}

// checkWatch refuses --watch with --no-watch.
func checkWatch(fs *flag.FlagSet, f devFlags) error {
	watchSet := false
	fs.Visit(func(fl *flag.Flag) { watchSet = watchSet || fl.Name == "watch" })
	if watchSet && f.watch && f.noWatch {
		return usagef("--watch and --no-watch exclude each other")
	}
	return nil
}

// sharedEnvList lists the shared-infrastructure flags' variables.
func sharedEnvList() string {
	var out []string
	for _, fe := range sharedFlagEnv {
		out = append(out, "$"+fe.env)
	}
	return strings.Join(out, ", ")
}

// devConfig is the stack configuration of the flags.
func devConfig(f devFlags, proj *syaml.Project, log *slog.Logger) stack.Config {
	cfg := stack.Config{Project: proj, Capture: f.capture, ConsoleListen: f.console, Logger: log, AccountID: f.accountID,
		Watch: f.watch && !f.noWatch}
	if sh := f.shared; sh.cluster() {
		cfg.RocketMQNameServers = sh.nameServerList()
		cfg.RocketMQCredentials = remoting.Credentials{AccessKey: sh.mqAccessKey, SecretKey: sh.mqSecretKey}
	} else {
		cfg.MQListen, cfg.Topics, cfg.Groups, cfg.Retention = f.mqListen, f.topics, f.groups, f.retention
		p := f.protocols
		cfg.NameServerListen, cfg.RemotingListen, cfg.NoRemoting = p.nameListen, p.brokerListen, p.noRemoting
		cfg.GRPCListen, cfg.NoGRPC, cfg.ACL = p.grpcListen, p.noGRPC, p.acl
	}
	cfg.RabbitMQURL = f.shared.rabbitURL
	if sh := f.shared; sh.externalTablestore() {
		cfg.TablestoreEndpoint, cfg.TablestoreInstance = sh.tsEndpoint, sh.tsInstance
		cfg.TablestoreAccessKeyID, cfg.TablestoreAccessKeySecret = sh.tsAccessKeyID, sh.tsAccessKeySecret
	} else {
		cfg.TablestoreListen = f.tsListen
	}
	if !f.memory {
		cfg.DataDir = f.data
	}
	if f.functions != "" {
		cfg.Functions = strings.Split(f.functions, ",")
	}
	return cfg
}

// mqTopic is the topic of the project's first trigger in instance inst,
// for the banner's snippets; TOPIC when there is none.
func mqTopic(proj *syaml.Project, inst string) string {
	for _, f := range proj.Functions {
		for _, t := range f.Triggers {
			if t.Topic != "" && t.Instance == inst {
				return t.Topic
			}
		}
	}
	return "TOPIC"
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
	inst := mqInstance(proj)
	nameServer := clientAddr(s.NameServer)
	fmt.Fprintf(w, "The local stack is running.\n\n")
	var mqc rocketmq.Credentials
	if s.MQ != nil {
		mqc = s.MQ.Credentials()
		fmt.Fprintf(w, "  RocketMQ (MQ HTTP):  %s  key %s / %s\n", s.MQEndpoint, mqc.AccessKeyID, mqc.AccessKeySecret)
		if s.NameServer != "" {
			fmt.Fprintf(w, "  RocketMQ (remoting): name server %s  broker %s%s\n", nameServer, s.BrokerAddr, aclNote(f.protocols.acl))
		}
		if s.GRPCEndpoint != "" {
			fmt.Fprintf(w, "  RocketMQ (5.x gRPC): %s%s\n", s.GRPCEndpoint, aclNote(f.protocols.acl))
		}
	} else {
		signed := ""
		if f.shared.mqAccessKey != "" {
			signed = "  signed with access key " + f.shared.mqAccessKey
		}
		fmt.Fprintf(w, "  RocketMQ cluster:    name servers %s%s\n", strings.Join(s.RocketMQNameServers, ","), signed)
		fmt.Fprintf(w, "                       (the embedded RocketMQ is not started: the triggers consume the cluster's topics as their groups)\n")
	}
	var tsc ots.Credentials
	if s.Tablestore != nil {
		tsc = s.Tablestore.Credentials()
		fmt.Fprintf(w, "  Tablestore:          %s  instance %s  key %s / %s\n", s.TablestoreEndpoint, s.TablestoreInstance, tsc.AccessKeyID, tsc.AccessKeySecret)
	} else {
		fmt.Fprintf(w, "  Tablestore:          %s  instance %s  key %s\n", s.TablestoreEndpoint, s.TablestoreInstance, f.shared.tsAccessKeyID)
		fmt.Fprintf(w, "                       (the local Tablestore is not started: the functions use this instance)\n")
	}
	if s.RabbitMQURL != "" {
		fmt.Fprintf(w, "  RabbitMQ:            %s\n", stack.RedactURL(s.RabbitMQURL))
	}
	fmt.Fprintf(w, "  data:                %s\n", data)
	if f.watch && !f.noWatch {
		fmt.Fprintf(w, "  hot reload:          on (an edit of a function's source rebuilds and reloads it; --no-watch turns it off)\n")
	}
	if s.ConsoleURL != "" {
		fmt.Fprintf(w, "  web console:         %s\n", s.ConsoleLink())
	}
	if builds := s.Builds(); len(builds) > 0 {
		var fns []string
		for _, b := range builds {
			fns = append(fns, fmt.Sprintf("%s (built in %.1fs)", b.Function, b.DurationMs/1000))
		}
		fmt.Fprintf(w, "  functions:           %s\n", strings.Join(fns, ", "))
	}
	for _, name := range s.Bridge.Triggers() {
		fmt.Fprintf(w, "  trigger:             %s\n", name)
	}
	for _, t := range s.TablestoreTriggers() {
		fmt.Fprintf(w, "  trigger:             %s (Tablestore table %s)\n", t.Trigger, t.Table)
	}
	fmt.Fprintf(w, "\nShell:\n\n")
	var exports [][2]string
	switch {
	case s.MQ == nil:
		// NAMESRV_ADDR separates name servers with semicolons.
		exports = append(exports, [2]string{envNameServer, strings.Join(s.RocketMQNameServers, ";")}, [2]string{envMQInstance, inst})
	default:
		exports = append(exports, [2]string{envMQEndpoint, s.MQEndpoint}, [2]string{envMQInstance, inst})
		if s.NameServer != "" {
			exports = append(exports, [2]string{envNameServer, nameServer})
		}
		if s.GRPCEndpoint != "" {
			exports = append(exports, [2]string{envGRPCEndpoint, s.GRPCEndpoint})
		}
	}
	exports = append(exports, [2]string{envTablestoreEndpoint, s.TablestoreEndpoint}, [2]string{envTablestoreInstance, s.TablestoreInstance})
	if s.Tablestore != nil {
		exports = append(exports, [2]string{envAccessKeyID, tsc.AccessKeyID}, [2]string{envAccessKeySecret, tsc.AccessKeySecret})
	} else {
		exports = append(exports, [2]string{envAccessKeyID, f.shared.tsAccessKeyID})
	}
	for _, kv := range exports {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	if s.Tablestore == nil {
		fmt.Fprintf(w, "  (and %s, the secret of --tablestore-access-key-secret, which is not printed)\n", envAccessKeySecret)
	}
	if s.MQ == nil {
		fmt.Fprintf(w, "\nPublish to the triggers' topics with the cluster's tools, or rocketmq-client-go on the name servers (in namespace %s).\n", orDefault(inst, `""`))
		fmt.Fprintf(w, "rocketfn send, rocketfn mq backlog and rocketfn mq reset-offset act on the embedded RocketMQ: they are not available on a cluster,\n"+
			"nor are the web console's send and backlogs; the groups' offsets are the cluster's.\n\nPress Ctrl-C to stop.\n")
		return
	}
	if s.NameServer != "" || s.GRPCEndpoint != "" {
		printDevSnippets(w, s, proj, f, inst, mqc)
	}
	fmt.Fprintf(w, "\nGroups' backlogs (with those exported): rocketfn mq backlog; move a group: rocketfn mq reset-offset\n")
	fmt.Fprintf(w, "\nTry (with those exported): rocketfn send --topic players --tag register --body '{\"id\":\"1001\",\"name\":\"ann\",\"job\":\"mage\",\"hero\":\"Lux\"}'\n\nPress Ctrl-C to stop.\n")
}

// printDevSnippets prints the Go clients of the remoting and 5.x gRPC
// protocols the stack serves, in the triggers' instance inst as
// namespace, signing with key mqc under --acl.
func printDevSnippets(w io.Writer, s *stack.Stack, proj *syaml.Project, f devFlags, inst string, mqc rocketmq.Credentials) {
	// A consumer needs a group that exists and that no trigger reads:
	// one of --group, in the triggers' instance.
	group := "GID_NAME"
	note := fmt.Sprintf("  (create the group with --group %s; a trigger's group would take its messages)\n", stack.Name{Instance: inst, Name: group})
	if i := slices.IndexFunc(f.groups, func(n stack.Name) bool { return n.Instance == inst }); i >= 0 {
		group, note = f.groups[i].Name, ""
	}
	var key *rocketmq.Credentials
	if f.protocols.acl {
		key = &mqc
	}
	if s.NameServer != "" {
		fmt.Fprintln(w)
		printRemotingSnippet(w, clientAddr(s.NameServer), inst, group, key)
	}
	if s.GRPCEndpoint != "" {
		fmt.Fprintln(w)
		printGRPCSnippet(w, s.GRPCEndpoint, inst, mqTopic(proj, inst), group, key)
	}
	fmt.Fprint(w, note)
}
