package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/emulator/stack"
)

// mqFlags are the flags of "rocketfn mq".
type mqFlags struct {
	listen, data     string
	keyID, keySecret string
	memory, noSync   bool
	strict           bool
	logLevel         string
	retention        time.Duration
	topics, groups   nameList
	remoting         remotingFlags
}

// remotingFlags place the RocketMQ remoting protocol of "rocketfn mq" and
// "rocketfn dev": a name server and a broker, for rocketmq-client-go.
type remotingFlags struct {
	nameListen, brokerListen string
	off, acl                 bool
}

// Defaults of the remoting listeners: the ports of an Apache name server
// and broker.
const (
	defaultNameServerListen = "127.0.0.1:9876"
	defaultRemotingListen   = "127.0.0.1:10911"
)

var remotingExamples = map[string]string{
	"nameserver-listen": "--nameserver-listen 127.0.0.1:9877, or 127.0.0.1:0 for a free port",
	"remoting-listen":   "--remoting-listen 127.0.0.1:10921, or 127.0.0.1:0 for a free port",
	"no-remoting":       "--no-remoting (MQ HTTP only)",
	"acl":               "--acl (clients sign with producer.WithCredentials and consumer.WithCredentials)",
}

func (r *remotingFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.nameListen, "nameserver-listen", defaultNameServerListen, "`address` of the RocketMQ name server rocketmq-client-go dials (remoting protocol)")
	fs.StringVar(&r.brokerListen, "remoting-listen", defaultRemotingListen, "`address` of the RocketMQ broker the name server routes rocketmq-client-go to")
	fs.BoolVar(&r.off, "no-remoting", false, "serve no name server and broker: MQ HTTP only")
	fs.BoolVar(&r.acl, "acl", false, "refuse remoting requests not signed with the access key (as a broker with ACL does)")
}

// check refuses listen addresses given with --no-remoting.
func (r remotingFlags) check(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		if r.off && err == nil && (fl.Name == "nameserver-listen" || fl.Name == "remoting-listen" || fl.Name == "acl") {
			err = usagef("--no-remoting and --%s exclude each other", fl.Name)
		}
	})
	return err
}

// withExamples is examples with those of the remoting flags.
func withExamples(examples map[string]string) map[string]string {
	out := maps.Clone(examples)
	maps.Copy(out, remotingExamples)
	return out
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
	"retention":         "--retention 168h (keep messages a week)",
	"topic":             "--topic MQ_INST_rocketfn/orders, or --topic orders for the default instance (repeatable)",
	"group":             "--group MQ_INST_rocketfn/GID_orders (repeatable)",
}

// runMQ is the "mq" command: it serves until SIGINT or SIGTERM, or runs
// the subcommand backlog or reset-offset against a running one.
func runMQ(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "backlog":
			return mqBacklog(args[1:], os.Stdout, os.Stderr, os.Getenv)
		case "reset-offset":
			return mqResetOffset(args[1:], os.Stdout, os.Stderr, os.Getenv)
		}
	}
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
	srv, err := rocketmq.New(mqConfig(f, log))
	if err != nil {
		return fmt.Errorf("open data %s: %w", dataDir(f.memory, f.data), err)
	}
	if err := declare(srv.Broker(), f.topics, f.groups); err != nil {
		srv.Close()
		return err
	}
	hs, endpoint, err := serveWithAdmin(f.listen, srv, append(f.topics.instances(), f.groups.instances()...))
	if err != nil {
		srv.Close()
		return fmt.Errorf("serve on %s: %w", f.listen, err)
	}
	if !isLoopback(endpoint) {
		log.Warn("rocketmq is reachable beyond this machine; anyone with the access key can publish and consume", "listen", f.listen)
	}
	endpoint = clientEndpoint(endpoint)
	var rs *remoting.Server
	nameServer, brokerAddr := "", ""
	if !f.remoting.off {
		if rs, nameServer, brokerAddr, err = serveRemoting(f.remoting, srv, log); err != nil {
			hs.Close()
			srv.Close()
			return err
		}
		nameServer = clientAddr(nameServer)
	}
	printMQBanner(stdout, srv, endpoint, nameServer, brokerAddr, f, dataDir(f.memory, f.data))
	log.Info("rocketmq ready", "endpoint", endpoint, "nameserver", nameServer, "data", dataDir(f.memory, f.data))
	<-ctx.Done()
	log.Info("rocketmq shutting down", "cause", context.Cause(ctx))
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	hs.Shutdown(shutdown)
	cancel()
	if rs != nil {
		rs.Close()
	}
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
	fs.BoolVar(&f.strict, "strict", false, "answer TopicNotExist for topics and groups not created first (--topic, --group), as the cloud does")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug, info or warn")
	fs.DurationVar(&f.retention, "retention", broker.DefaultRetention, "how long a message is kept, consumed or not (`duration`)")
	fs.Var(&f.topics, "topic", "create this `INSTANCE/TOPIC` (or TOPIC in the default instance); repeatable, for --strict")
	fs.Var(&f.groups, "group", "create this consumer `INSTANCE/GROUP` (or GROUP); repeatable, for --strict")
	f.remoting.register(fs)
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn mq [flags]
       rocketfn mq backlog [flags]
       rocketfn mq reset-offset --topic T --group G --to earliest|latest|TIME [flags]

Serves a local RocketMQ instance speaking the MQ HTTP protocol, which the
official MQ HTTP SDKs publish to and consume from unchanged, and the
RocketMQ remoting protocol of Apache RocketMQ's clients
(github.com/apache/rocketmq-client-go: a name server on --nameserver-listen,
a broker on --remoting-listen; --no-remoting for none), on the same
messages, in a directory (or in memory with --memory). It prints the
endpoint, name server and access key to give clients, then serves until
interrupted (Ctrl-C, SIGINT or SIGTERM). Topics and groups are created on
first use, unless --strict: then only those of --topic and --group (and
those the data directory holds) exist.

"rocketfn mq backlog" and "rocketfn mq reset-offset" act on a running
rocketfn mq or rocketfn dev, through its endpoint (which answers them for
clients on this machine only): 'rocketfn mq backlog -h' and 'rocketfn mq
reset-offset -h' show their flags.
`, withExamples(mqExamples), `
Examples:

  rocketfn mq
  rocketfn mq --listen 127.0.0.1:9080 --data /tmp/mq --log-level debug
  rocketfn mq --nameserver-listen 127.0.0.1:9877 --remoting-listen 127.0.0.1:10921 --acl
  rocketfn mq --memory --strict --topic MQ_INST_rocketfn/orders --group MQ_INST_rocketfn/GID_orders
  rocketfn mq --retention 168h
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	for name, v := range map[string]string{"access-key-id": f.keyID, "access-key-secret": f.keySecret, "listen": f.listen,
		"nameserver-listen": f.remoting.nameListen, "remoting-listen": f.remoting.brokerListen} {
		if v == "" {
			return f, usagef("--%s must not be empty", name)
		}
	}
	if err := f.remoting.check(fs); err != nil {
		return f, err
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return f, usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	dataSet := false
	fs.Visit(func(fl *flag.Flag) { dataSet = dataSet || fl.Name == "data" })
	if f.memory && dataSet {
		return f, usagef("--memory and --data exclude each other")
	}
	if err := checkRetention(f.retention); err != nil {
		return f, err
	}
	return f, nil
}

// mqConfig is the server configuration of the flags.
func mqConfig(f mqFlags, log *slog.Logger) rocketmq.Config {
	cfg := rocketmq.Config{AccessKeyID: f.keyID, AccessKeySecret: f.keySecret, NoSync: f.noSync,
		Broker: broker.Config{Strict: f.strict, Retention: f.retention}, Logger: log}
	if !f.memory {
		cfg.Dir = f.data
	}
	return cfg
}

// declare creates the --topic and --group names.
func declare(b *broker.Broker, topics, groups nameList) error {
	for _, n := range topics {
		if err := b.CreateTopic(n.Instance, n.Name); err != nil {
			return usagef("--topic %s: %v", n, err)
		}
	}
	for _, n := range groups {
		if err := b.CreateGroup(n.Instance, n.Name); err != nil {
			return usagef("--group %s: %v", n, err)
		}
	}
	return nil
}

// serveRemoting serves the remoting protocol on srv's broker, verifying
// signatures against srv's keys, and returns the server and the name
// server's and broker's addresses.
func serveRemoting(f remotingFlags, srv *rocketmq.Server, log *slog.Logger) (rs *remoting.Server, nameServer, brokerAddr string, err error) {
	if rs, err = remoting.New(remoting.Config{Broker: srv.Broker(), Keys: srv.Keys(), ACL: f.acl, Logger: log}); err != nil {
		return nil, "", "", err
	}
	if nameServer, brokerAddr, err = rs.Start(f.nameListen, f.brokerListen); err != nil {
		return nil, "", "", fmt.Errorf("serve the remoting protocol on %s and %s: %w", f.nameListen, f.brokerListen, err)
	}
	for _, a := range []string{nameServer, brokerAddr} {
		if !isLoopbackAddr(a) {
			log.Warn("the rocketmq remoting protocol is reachable beyond this machine; anyone can publish and consume unless --acl", "listen", a)
		}
	}
	return rs, nameServer, brokerAddr, nil
}

// isLoopbackAddr reports whether host:port is on a loopback address.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// clientAddr replaces an unspecified host (0.0.0.0, ::) in host:port with
// 127.0.0.1, which clients on this machine can dial.
func clientAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// serveWithAdmin serves MQ HTTP on addr with, on console.AdminPaths, the
// backlog and reset-offset API for loopback clients (rocketfn mq backlog
// and reset-offset). It returns the server and its endpoint.
func serveWithAdmin(addr string, srv *rocketmq.Server, instances []string) (*http.Server, string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	admin := console.NewAdmin(srv.Broker(), func() []string { return instances })
	hs := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(console.AdminPaths, r.URL.Path) {
			admin.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	})}
	go hs.Serve(l)
	return hs, "http://" + l.Addr().String(), nil
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

// Environment variables under which the banner offers the settings;
// NAMESRV_ADDR is the name server Apache RocketMQ's clients and tools
// read.
const (
	envMQEndpoint = "MQ_ENDPOINT"
	envMQInstance = "MQ_INSTANCE"
	envNameServer = "NAMESRV_ADDR"
)

// printMQBanner prints how to connect: the settings, shell lines to
// export them and the Go clients' constructors; nameServer is "" without
// the remoting protocol.
func printMQBanner(w io.Writer, srv *rocketmq.Server, endpoint, nameServer, brokerAddr string, f mqFlags, data string) {
	cred := srv.Credentials()
	fmt.Fprintf(w, "RocketMQ is serving.\n\n")
	fmt.Fprintf(w, "  MQ HTTP endpoint:  %s\n", endpoint)
	if nameServer != "" {
		fmt.Fprintf(w, "  name server:       %s  broker %s%s\n", nameServer, brokerAddr, aclNote(f.remoting.acl))
	}
	fmt.Fprintf(w, "  access key id:     %s\n", cred.AccessKeyID)
	fmt.Fprintf(w, "  access key secret: %s\n", cred.AccessKeySecret)
	fmt.Fprintf(w, "  data:              %s\n\n", data)
	fmt.Fprintf(w, "Shell:\n\n")
	exports := [][2]string{{envMQEndpoint, endpoint}}
	if nameServer != "" {
		exports = append(exports, [2]string{envNameServer, nameServer})
	}
	exports = append(exports, [2]string{envAccessKeyID, cred.AccessKeyID}, [2]string{envAccessKeySecret, cred.AccessKeySecret})
	for _, kv := range exports {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintf(w, "\nGo, MQ HTTP (import mq_http_sdk \"github.com/aliyunmq/mq-http-go-sdk\"):\n\n")
	fmt.Fprintf(w, "  client := mq_http_sdk.NewAliyunMQClient(%q, %q, %q, \"\")\n\n", endpoint, cred.AccessKeyID, cred.AccessKeySecret)
	if nameServer != "" {
		group := "GID_example"
		if i := slices.IndexFunc(f.groups, func(n stack.Name) bool { return n.Instance == "" }); i >= 0 {
			group = f.groups[i].Name
		}
		var key *rocketmq.Credentials
		if f.remoting.acl {
			key = &cred
		}
		printRemotingSnippet(w, nameServer, "", group, key)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Groups' backlogs: rocketfn mq backlog; move a group: rocketfn mq reset-offset (with those exported).\n\n")
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// aclNote says that the remoting protocol takes signed requests only.
func aclNote(acl bool) string {
	if acl {
		return "  (signed requests only: --acl)"
	}
	return ""
}

// printRemotingSnippet prints the rocketmq-client-go options that reach
// the name server: in namespace (the instance) unless "", consuming as
// group, signing with key unless nil.
func printRemotingSnippet(w io.Writer, nameServer, namespace, group string, key *rocketmq.Credentials) {
	pkgs := "producer and consumer packages"
	if key != nil {
		pkgs = "producer, consumer and primitive packages"
	}
	fmt.Fprintf(w, "Go, remoting (import \"github.com/apache/rocketmq-client-go/v2\" and its %s):\n\n", pkgs)
	call := func(v, ctor, pkg string, more ...string) {
		line := fmt.Sprintf("  %s, err := rocketmq.%s(%s.WithNameServer([]string{%q})", v, ctor, pkg, nameServer)
		var opts []string
		if namespace != "" {
			opts = append(opts, fmt.Sprintf("%s.WithNamespace(%q)", pkg, namespace))
		}
		opts = append(opts, more...)
		if rest := strings.Join(opts, ", "); rest != "" {
			if len(line)+len(rest) > 110 {
				line += ",\n     "
			} else {
				line += ","
			}
			line += " " + rest
		}
		if key != nil {
			line += fmt.Sprintf(",\n      %s.WithCredentials(primitive.Credentials{AccessKey: %q, SecretKey: %q})", pkg, key.AccessKeyID, key.AccessKeySecret)
		}
		fmt.Fprintln(w, line+")")
	}
	call("p", "NewProducer", "producer")
	call("c", "NewPushConsumer", "consumer", fmt.Sprintf("consumer.WithGroupName(%q)", group))
}
