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
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
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
	protocols        protocolFlags
}

// protocolFlags place RocketMQ's own protocols, which "rocketfn mq" and
// "rocketfn dev" serve beside MQ HTTP: the remoting protocol (a name
// server and a broker, for rocketmq-client-go) and the 5.x gRPC protocol
// (an endpoint, for rocketmq-clients/golang/v5). acl applies to both.
type protocolFlags struct {
	nameListen, brokerListen string
	noRemoting               bool
	grpcListen               string
	noGRPC                   bool
	acl                      bool
}

// Defaults of the listeners: the ports of an Apache name server, broker
// and 5.x proxy.
const (
	defaultNameServerListen = "127.0.0.1:9876"
	defaultRemotingListen   = "127.0.0.1:10911"
	defaultGRPCListen       = "127.0.0.1:8081"
)

var protocolExamples = map[string]string{
	"nameserver-listen": "--nameserver-listen 127.0.0.1:9877, or 127.0.0.1:0 for a free port",
	"remoting-listen":   "--remoting-listen 127.0.0.1:10921, or 127.0.0.1:0 for a free port",
	"no-remoting":       "--no-remoting (no name server and broker)",
	"grpc-listen":       "--grpc-listen 127.0.0.1:8091, or 127.0.0.1:0 for a free port",
	"no-grpc":           "--no-grpc (with --no-remoting: MQ HTTP only)",
	"acl":               "--acl (rocketmq-client-go signs with producer.WithCredentials and consumer.WithCredentials, the 5.x client with Config.Credentials)",
}

func (p *protocolFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.nameListen, "nameserver-listen", defaultNameServerListen, "`address` of the RocketMQ name server rocketmq-client-go dials (remoting protocol)")
	fs.StringVar(&p.brokerListen, "remoting-listen", defaultRemotingListen, "`address` of the RocketMQ broker the name server routes rocketmq-client-go to")
	fs.BoolVar(&p.noRemoting, "no-remoting", false, "serve no name server and broker")
	fs.StringVar(&p.grpcListen, "grpc-listen", defaultGRPCListen, "`address` of the RocketMQ 5.x gRPC endpoint rocketmq-clients/golang/v5 dials (TLS or plaintext)")
	fs.BoolVar(&p.noGRPC, "no-grpc", false, "serve no 5.x gRPC endpoint")
	fs.BoolVar(&p.acl, "acl", false, "refuse remoting and 5.x gRPC requests not signed with the access key (as a broker with ACL does)")
}

// offFlag names the flag that turns off the protocol of a listen flag.
var offFlag = map[string]string{"nameserver-listen": "no-remoting", "remoting-listen": "no-remoting", "grpc-listen": "no-grpc"}

// check refuses the listen addresses of a protocol that is off, and --acl
// with neither protocol served.
func (p protocolFlags) check(fs *flag.FlagSet) error {
	off := map[string]bool{"no-remoting": p.noRemoting, "no-grpc": p.noGRPC}
	var err error
	fs.Visit(func(fl *flag.Flag) {
		switch {
		case err != nil:
		case off[offFlag[fl.Name]]:
			err = usagef("--%s and --%s exclude each other", offFlag[fl.Name], fl.Name)
		case fl.Name == "acl" && p.noRemoting && p.noGRPC:
			err = usagef("--acl and --no-remoting with --no-grpc exclude each other: --acl applies to the remoting and gRPC protocols, and neither is served")
		}
	})
	return err
}

// withExamples is examples with those of the protocol flags.
func withExamples(examples map[string]string) map[string]string {
	out := maps.Clone(examples)
	maps.Copy(out, protocolExamples)
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
		return fmt.Errorf("open data %s: %w", dataDir(f.memory, f.data), dataLocked(err, f.data))
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
	ps, err := serveProtocols(f.protocols, srv, log)
	if err != nil {
		hs.Close()
		srv.Close()
		return err
	}
	printMQBanner(stdout, srv, endpoint, ps, f, dataDir(f.memory, f.data))
	log.Info("rocketmq ready", "endpoint", endpoint, "nameserver", ps.nameServer, "grpc", ps.grpcEndpoint, "data", dataDir(f.memory, f.data))
	<-ctx.Done()
	log.Info("rocketmq shutting down", "cause", context.Cause(ctx))
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	hs.Shutdown(shutdown)
	cancel()
	ps.close()
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
	f.protocols.register(fs)
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn mq [flags]
       rocketfn mq backlog [flags]
       rocketfn mq reset-offset --topic T --group G --to earliest|latest|TIME [flags]

Serves a local RocketMQ instance speaking the MQ HTTP protocol, which the
official MQ HTTP SDKs publish to and consume from unchanged, the RocketMQ
remoting protocol of Apache RocketMQ's clients
(github.com/apache/rocketmq-client-go: a name server on --nameserver-listen,
a broker on --remoting-listen; --no-remoting for none) and the RocketMQ 5.x
gRPC protocol (github.com/apache/rocketmq-clients/golang/v5: an endpoint on
--grpc-listen; --no-grpc for none), on the same messages, in a directory (or
in memory with --memory). It prints the endpoints, name server and access
key to give clients, then serves until interrupted (Ctrl-C, SIGINT or
SIGTERM). Topics and groups are created on
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
  rocketfn mq --grpc-listen 127.0.0.1:8091 --no-remoting
  rocketfn mq --memory --strict --topic MQ_INST_rocketfn/orders --group MQ_INST_rocketfn/GID_orders
  rocketfn mq --retention 168h
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	for name, v := range map[string]string{"access-key-id": f.keyID, "access-key-secret": f.keySecret, "listen": f.listen,
		"nameserver-listen": f.protocols.nameListen, "remoting-listen": f.protocols.brokerListen, "grpc-listen": f.protocols.grpcListen} {
		if v == "" {
			return f, usagef("--%s must not be empty", name)
		}
	}
	if err := f.protocols.check(fs); err != nil {
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

// protocolServers are the remoting and 5.x gRPC servers of "rocketfn mq"
// and where clients reach them: nil and "" for a protocol that is off.
type protocolServers struct {
	remoting               *remoting.Server
	grpc                   *proxy.Server
	nameServer, brokerAddr string
	grpcEndpoint           string
}

// serveProtocols serves the protocols the flags ask for on srv's broker.
func serveProtocols(f protocolFlags, srv *rocketmq.Server, log *slog.Logger) (protocolServers, error) {
	var ps protocolServers
	var err error
	if !f.noRemoting {
		if ps.remoting, ps.nameServer, ps.brokerAddr, err = serveRemoting(f, srv, log); err != nil {
			return protocolServers{}, err
		}
		ps.nameServer = clientAddr(ps.nameServer)
	}
	if !f.noGRPC {
		if ps.grpc, ps.grpcEndpoint, err = serveGRPC(f, srv, log); err != nil {
			ps.close()
			return protocolServers{}, err
		}
	}
	return ps, nil
}

// close closes the servers; the broker stays open.
func (ps protocolServers) close() {
	if ps.remoting != nil {
		ps.remoting.Close()
	}
	if ps.grpc != nil {
		ps.grpc.Close()
	}
}

// serveRemoting serves the remoting protocol on srv's broker, verifying
// signatures against srv's keys, and returns the server and the name
// server's and broker's addresses.
func serveRemoting(f protocolFlags, srv *rocketmq.Server, log *slog.Logger) (rs *remoting.Server, nameServer, brokerAddr string, err error) {
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

// serveGRPC serves the 5.x gRPC protocol on srv's broker, verifying
// signatures against srv's keys, and returns the server and the endpoint
// clients dial (host:port).
func serveGRPC(f protocolFlags, srv *rocketmq.Server, log *slog.Logger) (*proxy.Server, string, error) {
	ps, err := proxy.New(proxy.Config{Broker: srv.Broker(), Keys: srv.Keys(), ACL: f.acl, Logger: log})
	if err != nil {
		return nil, "", err
	}
	endpoint, err := ps.Start(f.grpcListen)
	if err != nil {
		return nil, "", fmt.Errorf("serve the 5.x gRPC protocol on %s: %w", f.grpcListen, err)
	}
	// The endpoint of a listener on every address is a loopback one.
	if !isLoopbackAddr(endpoint) || unspecifiedHost(f.grpcListen) {
		log.Warn("the rocketmq 5.x gRPC protocol is reachable beyond this machine; anyone can publish and consume unless --acl", "listen", f.grpcListen)
	}
	return ps, endpoint, nil
}

// unspecifiedHost reports whether host:port listens on every address (no
// host, 0.0.0.0 or ::).
func unspecifiedHost(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && (host == "" || ip != nil && ip.IsUnspecified())
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
	t := rocketmq.DefaultTimeouts
	hs := &http.Server{ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
// read, MQ_GRPC_ENDPOINT the endpoint of the 5.x clients.
const (
	envMQEndpoint   = "MQ_ENDPOINT"
	envMQInstance   = "MQ_INSTANCE"
	envNameServer   = "NAMESRV_ADDR"
	envGRPCEndpoint = "MQ_GRPC_ENDPOINT"
)

// printMQBanner prints how to connect: the settings, shell lines to
// export them and the Go clients' constructors, those of the remoting and
// gRPC protocols when ps serves them.
func printMQBanner(w io.Writer, srv *rocketmq.Server, endpoint string, ps protocolServers, f mqFlags, data string) {
	cred := srv.Credentials()
	nameServer := ps.nameServer
	fmt.Fprintf(w, "RocketMQ is serving.\n\n")
	fmt.Fprintf(w, "  MQ HTTP endpoint:  %s\n", endpoint)
	if nameServer != "" {
		fmt.Fprintf(w, "  name server:       %s  broker %s%s\n", nameServer, ps.brokerAddr, aclNote(f.protocols.acl))
	}
	if ps.grpcEndpoint != "" {
		fmt.Fprintf(w, "  5.x gRPC endpoint: %s%s\n", ps.grpcEndpoint, aclNote(f.protocols.acl))
	}
	fmt.Fprintf(w, "  access key id:     %s\n", cred.AccessKeyID)
	fmt.Fprintf(w, "  access key secret: %s\n", cred.AccessKeySecret)
	fmt.Fprintf(w, "  data:              %s\n\n", data)
	fmt.Fprintf(w, "Shell:\n\n")
	exports := [][2]string{{envMQEndpoint, endpoint}}
	if nameServer != "" {
		exports = append(exports, [2]string{envNameServer, nameServer})
	}
	if ps.grpcEndpoint != "" {
		exports = append(exports, [2]string{envGRPCEndpoint, ps.grpcEndpoint})
	}
	exports = append(exports, [2]string{envAccessKeyID, cred.AccessKeyID}, [2]string{envAccessKeySecret, cred.AccessKeySecret})
	for _, kv := range exports {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintf(w, "\nGo, MQ HTTP (import mq_http_sdk \"github.com/aliyunmq/mq-http-go-sdk\"):\n\n")
	fmt.Fprintf(w, "  client := mq_http_sdk.NewAliyunMQClient(%q, %q, %q, \"\")\n\n", endpoint, cred.AccessKeyID, cred.AccessKeySecret)
	group, topic := "GID_example", "TopicTest"
	if i := slices.IndexFunc(f.groups, func(n stack.Name) bool { return n.Instance == "" }); i >= 0 {
		group = f.groups[i].Name
	}
	if i := slices.IndexFunc(f.topics, func(n stack.Name) bool { return n.Instance == "" }); i >= 0 {
		topic = f.topics[i].Name
	}
	var key *rocketmq.Credentials
	if f.protocols.acl {
		key = &cred
	}
	if nameServer != "" {
		printRemotingSnippet(w, nameServer, "", group, key)
		fmt.Fprintln(w)
	}
	if ps.grpcEndpoint != "" {
		printGRPCSnippet(w, ps.grpcEndpoint, "", topic, group, key)
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Groups' backlogs: rocketfn mq backlog; move a group: rocketfn mq reset-offset (with those exported).\n\n")
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// aclNote says that the remoting and gRPC protocols take signed requests
// only.
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

// printGRPCSnippet prints the rocketmq-clients/golang/v5 constructors that
// reach the gRPC endpoint: in namespace (the instance) unless "", a
// producer of topic and a simple consumer of it as group, with the
// credentials of key, or empty ones (unsigned) when it is nil.
func printGRPCSnippet(w io.Writer, endpoint, namespace, topic, group string, key *rocketmq.Credentials) {
	fmt.Fprintf(w, "Go, 5.x gRPC (import rmq \"github.com/apache/rocketmq-clients/golang/v5\" and its credentials package):\n\n")
	config := fmt.Sprintf("Endpoint: %q", endpoint)
	if namespace != "" {
		config += fmt.Sprintf(", NameSpace: %q", namespace)
	}
	creds := "Credentials: &credentials.SessionCredentials{}"
	if key != nil {
		creds = fmt.Sprintf("Credentials: &credentials.SessionCredentials{AccessKey: %q, AccessSecret: %q}", key.AccessKeyID, key.AccessKeySecret)
	}
	fmt.Fprintf(w, "  p, err := rmq.NewProducer(&rmq.Config{%s,\n      %s},\n      rmq.WithTopics(%q))\n", config, creds, topic)
	fmt.Fprintf(w, "  c, err := rmq.NewSimpleConsumer(&rmq.Config{%s, ConsumerGroup: %q,\n      %s},\n", config, group, creds)
	fmt.Fprintf(w, "      rmq.WithSubscriptionExpressions(map[string]*rmq.FilterExpression{%q: rmq.SUB_ALL}))\n", topic)
}
