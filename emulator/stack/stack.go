package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/rabbitmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/cluster"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/proxy"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// Config says what to run.
type Config struct {
	// Project is the parsed s.yaml.
	Project *syaml.Project
	// DataDir holds the services' data; empty keeps everything in memory.
	DataDir string
	// MQListen and TablestoreListen are the services' loopback addresses;
	// empty picks free ports.
	MQListen, TablestoreListen string
	// NameServerListen and RemotingListen are the loopback addresses of
	// the local RocketMQ's name server and broker in the RocketMQ remoting
	// protocol (what github.com/apache/rocketmq-client-go dials); empty
	// picks free ports. NoRemoting leaves the protocol off.
	NameServerListen, RemotingListen string
	NoRemoting                       bool
	// GRPCListen is the loopback address of the local RocketMQ's RocketMQ
	// 5.x gRPC protocol (what github.com/apache/rocketmq-clients/golang/v5
	// dials as its endpoint; package proxy); empty picks a free port.
	// NoGRPC leaves the protocol off.
	GRPCListen string
	NoGRPC     bool
	// ACL makes the remoting broker and the gRPC endpoint refuse unsigned
	// requests. Signed ones are verified whatever ACL says, against the
	// local RocketMQ's access key and the STS credentials it issued.
	ACL bool
	// Capture records every delivered payload in this directory when set.
	Capture string
	// ConsoleListen serves the web console on this loopback address when
	// set ("127.0.0.1:0" picks a free port).
	ConsoleListen string
	// Functions limits the functions started to these names; nil: all.
	Functions []string
	// Region and AccountID fill the events and FC variables
	// (cn-hangzhou and 1234567890123456 when empty).
	Region, AccountID string
	// Logger receives the services' and functions' logs.
	Logger *slog.Logger
	// Clock is the clock of messages and retries (delays, redelivery,
	// retry schedules); nil uses time.Now. Tests move a fake one and call
	// Stack.Tick. Function timeouts always use the wall clock.
	Clock func() time.Time
	// Topics and Groups are created in the local RocketMQ besides those
	// s.yaml's triggers name. The local RocketMQ is strict, as the cloud
	// is: publishing to another topic answers TopicNotExist, consuming as
	// another group SubscriptionNotExist.
	Topics, Groups []Name
	// Retention is how long the local RocketMQ keeps a message, consumed
	// or not (broker.DefaultRetention, 72 h, when 0).
	Retention time.Duration
	// Watch rebuilds a function when one of its sources changes (the Go
	// files of its package and of the local packages it imports, in the
	// main module or a module replaced by a directory, and go.mod,
	// go.sum), about 100 ms after the last change, and reloads it with
	// fcinvoker's Reload: invocations go on throughout, those in flight
	// finish on the previous build. A build that fails, or does not
	// start, leaves the previous one serving; Builds tells the outcome.
	Watch bool
	// BuildOutput, when set, receives the compiler's output of each
	// rebuild that failed, under the function's name, as a terminal
	// shows it; otherwise it goes to Logger only.
	BuildOutput io.Writer

	// RocketMQNameServers, when set, are the name servers (host:port) of
	// an existing RocketMQ cluster, reached over the remoting protocol
	// (package cluster): the triggers consume its topics, as the groups
	// s.yaml names (a trigger's instance is the namespace: INSTANCE%TOPIC
	// and INSTANCE%GROUP), instead of the local RocketMQ, which is then
	// not started. The cluster owns its topics and groups: none is
	// declared, so MQListen, NameServerListen, RemotingListen,
	// GRPCListen, NoGRPC, ACL, Topics, Groups and Retention must be
	// unset. Functions get NAMESRV_ADDR with these name servers and no
	// MQ_ENDPOINT or MQ_GRPC_ENDPOINT.
	RocketMQNameServers []string
	// RocketMQCredentials sign the requests to the cluster when it has
	// ACL: AccessKey and SecretKey, and SecurityToken with STS ones.
	RocketMQCredentials remoting.Credentials

	// TablestoreEndpoint, when set, is the URL of an existing Tablestore
	// instance (http or https) that the functions use instead of the
	// local Tablestore, which is then not started (TablestoreListen must
	// be unset). TablestoreInstance names the instance and
	// TablestoreAccessKeyID and TablestoreAccessKeySecret (with
	// TablestoreSecurityToken for STS credentials) are the key, all
	// required with it: functions get them in TABLESTORE_ENDPOINT,
	// TABLESTORE_INSTANCE and the credentials of each invocation, in
	// place of the local Tablestore's.
	TablestoreEndpoint, TablestoreInstance                                    string
	TablestoreAccessKeyID, TablestoreAccessKeySecret, TablestoreSecurityToken string

	// RabbitMQURL, when set, is the amqp:// URL of an existing RabbitMQ
	// server whose queues the triggers with a RabbitMQ source consume,
	// each in its VirtualHostName (which replaces the URL's virtual
	// host); the queues must exist there. Empty: when a function that
	// starts has such a trigger, the stack starts a local server
	// (rabbitmq.StartServer, its data in DataDir/rabbitmq, or a
	// temporary directory without DataDir) and declares the virtual
	// hosts and durable queues that the file's RabbitMQ triggers name.
	RabbitMQURL string
}

// ExternalRocketMQ reports whether the triggers consume from a RocketMQ
// cluster (RocketMQNameServers) instead of the local RocketMQ.
func (c Config) ExternalRocketMQ() bool { return len(c.RocketMQNameServers) > 0 }

// ExternalTablestore reports whether the functions use an existing
// Tablestore instance (TablestoreEndpoint) instead of the local one.
func (c Config) ExternalTablestore() bool { return c.TablestoreEndpoint != "" }

// Validate checks the settings of a RocketMQ cluster and of an external
// Tablestore: their form, that what they need is given, and that no
// setting of the local service they replace is. Start calls it.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("stack: "+format, args...)) }
	if c.Project == nil {
		bad("Config.Project is nil")
	}
	if c.ExternalRocketMQ() {
		for _, ns := range c.RocketMQNameServers {
			if err := checkHostPort(ns); err != nil {
				bad("RocketMQNameServers: %v", err)
			}
		}
		for _, set := range []struct {
			name string
			set  bool
		}{{"MQListen", c.MQListen != ""}, {"NameServerListen", c.NameServerListen != ""}, {"RemotingListen", c.RemotingListen != ""},
			{"GRPCListen", c.GRPCListen != ""}, {"NoGRPC", c.NoGRPC}, {"ACL", c.ACL},
			{"Topics", len(c.Topics) > 0}, {"Groups", len(c.Groups) > 0}, {"Retention", c.Retention != 0}} {
			if set.set {
				bad("%s is a setting of the local RocketMQ, which does not run with RocketMQNameServers (the cluster owns its topics and groups)", set.name)
			}
		}
	}
	cr := c.RocketMQCredentials
	switch {
	case cr != (remoting.Credentials{}) && !c.ExternalRocketMQ():
		bad("RocketMQCredentials without RocketMQNameServers: the local RocketMQ has its own key")
	case (cr.AccessKey == "") != (cr.SecretKey == ""):
		bad("RocketMQCredentials: the access key and the secret key go together")
	case cr.SecurityToken != "" && cr.AccessKey == "":
		bad("RocketMQCredentials: a security token needs its access key and secret key")
	}
	if c.RabbitMQURL != "" {
		if err := checkRabbitMQURL(c.RabbitMQURL); err != nil {
			bad("RabbitMQURL: %v", err)
		}
	}
	if c.ExternalTablestore() {
		if err := checkEndpoint(c.TablestoreEndpoint); err != nil {
			bad("TablestoreEndpoint: %v", err)
		}
		if c.TablestoreInstance == "" {
			bad("TablestoreInstance is required with TablestoreEndpoint")
		}
		if c.TablestoreAccessKeyID == "" || c.TablestoreAccessKeySecret == "" {
			bad("TablestoreAccessKeyID and TablestoreAccessKeySecret are required with TablestoreEndpoint (functions would otherwise sign with the local Tablestore's key)")
		}
		if c.TablestoreListen != "" {
			bad("TablestoreListen is a setting of the local Tablestore, which does not run with TablestoreEndpoint")
		}
	} else if c.TablestoreInstance != "" || c.TablestoreAccessKeyID != "" || c.TablestoreAccessKeySecret != "" || c.TablestoreSecurityToken != "" {
		bad("TablestoreInstance and the Tablestore key need TablestoreEndpoint: the local Tablestore has its own")
	}
	return errors.Join(errs...)
}

// checkHostPort checks a name server address: host:port, on a port.
func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
		return fmt.Errorf("%q is not host:port", addr)
	}
	return nil
}

// checkEndpoint checks a Tablestore endpoint: an http or https URL with
// a host and no more than a path of "/".
func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL such as https://myinst.cn-hangzhou.ots.aliyuncs.com", endpoint)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("%q: want the instance's endpoint alone, without a path, query or user", endpoint)
	}
	return nil
}

// Stack is a running local cloud.
type Stack struct {
	MQ         *rocketmq.Server // nil with Config.RocketMQNameServers
	Remoting   *remoting.Server // nil with Config.NoRemoting or Config.RocketMQNameServers
	Proxy      *proxy.Server    // the 5.x gRPC protocol; nil with Config.NoGRPC or Config.RocketMQNameServers
	Tablestore *ots.Server      // nil with Config.TablestoreEndpoint
	// Cluster is what the triggers consume with Config.RocketMQNameServers;
	// nil otherwise.
	Cluster  *cluster.Source
	Bridge   *eventbridge.Bridge
	Invokers map[string]*fcinvoker.Invoker // by function name
	// MQEndpoint is the local RocketMQ's MQ HTTP endpoint; "" with a
	// cluster.
	MQEndpoint string
	NameServer string // the local remoting name server (host:port); "" with Config.NoRemoting or a cluster
	BrokerAddr string // the remoting broker (host:port) the name server routes to
	// GRPCEndpoint is the local RocketMQ's 5.x gRPC endpoint (host:port);
	// "" with Config.NoGRPC or a cluster.
	GRPCEndpoint string
	// RocketMQNameServers are the cluster's name servers (a copy of
	// Config.RocketMQNameServers); nil with the local RocketMQ.
	RocketMQNameServers []string
	// TablestoreEndpoint and TablestoreInstance are the Tablestore the
	// functions use: the local one, or Config.TablestoreEndpoint's.
	TablestoreEndpoint, TablestoreInstance string
	// RabbitMQ is the local RabbitMQ server; nil with Config.RabbitMQURL
	// or when no trigger that runs has a RabbitMQ source.
	RabbitMQ *rabbitmq.Server
	// RabbitMQURL is the amqp:// URL of the server the RabbitMQ triggers
	// consume (print it with RedactURL); "" when none runs.
	RabbitMQURL string
	// ConsoleURL is the web console's address, when Config.ConsoleListen
	// is set; only requests to that address with the run's ConsoleToken
	// are served (console.Guard). ConsoleLink opens it.
	ConsoleURL   string
	ConsoleToken string

	log       *slog.Logger
	cancel    context.CancelFunc
	done      chan error
	creds     func() fcinvoker.Credentials
	closers   []func(context.Context) error
	closeOnce sync.Once
	closeErr  error
	instances []string // of the declared topics and groups
	builds    buildLog // the last build of each function
	watcher   *watcher // nil without Config.Watch
	// state is the store of the local EventBridge and of the Tablestore
	// triggers' checkpoints: DataDir/eventbridge.db, or memory.
	state          kv.Store
	streamTriggers []*streamTrigger // s.yaml's Tablestore triggers on the local Tablestore
	streamRuns     sync.WaitGroup   // their run loops
	rabbit         []*rabbitTrigger
	rabbitWG       sync.WaitGroup // the RabbitMQ triggers' sources
}

// Start starts the services, builds and starts the functions, and
// delivers the triggers' messages until Close.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	if cfg.Region == "" {
		cfg.Region = "cn-hangzhou"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "1234567890123456"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Stack{Invokers: map[string]*fcinvoker.Invoker{}, log: log, done: make(chan error, 1)}
	if err := s.startServices(ctx, cfg); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	if err := s.startFunctions(ctx, cfg); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	if cfg.Watch {
		if err := s.startWatch(ctx, cfg); err != nil {
			s.Close(context.Background())
			return nil, err
		}
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if cfg.ConsoleListen != "" {
		if err := s.startConsole(runCtx, cfg.ConsoleListen, cfg); err != nil {
			cancel()
			s.cancel = nil
			s.Close(context.Background())
			return nil, err
		}
	}
	go func() { s.done <- s.Bridge.Run(runCtx) }()
	for _, st := range s.streamTriggers {
		s.streamRuns.Go(func() { st.run(runCtx) })
	}
	s.runRabbitTriggers(runCtx)
	return s, nil
}

func (s *Stack) startServices(ctx context.Context, cfg Config) error {
	dir := func(name string) string {
		if cfg.DataDir == "" {
			return ""
		}
		return filepath.Join(cfg.DataDir, name)
	}
	if err := s.startTablestore(cfg, dir("tablestore")); err != nil {
		return err
	}
	var source eventbridge.Source
	if cfg.ExternalRocketMQ() {
		src, err := s.openCluster(ctx, cfg)
		if err != nil {
			return err
		}
		source = src
	} else {
		if err := s.startRocketMQ(cfg, dir("rocketmq")); err != nil {
			return err
		}
		source = s.MQ.Broker()
	}
	store := kv.Store(kv.NewMemory())
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return err
		}
		var err error
		if store, err = kv.OpenBolt(filepath.Join(cfg.DataDir, "eventbridge.db"), kv.Options{}); err != nil {
			return fmt.Errorf("local eventbridge: %w", err)
		}
	}
	s.closers = append(s.closers, func(context.Context) error { return store.Close() })
	s.state = store
	var err error
	s.Bridge, err = eventbridge.New(eventbridge.Config{Broker: source, Store: store, Capture: cfg.Capture, Logger: s.log, Clock: cfg.Clock})
	if err != nil {
		return fmt.Errorf("local eventbridge: %w", err)
	}
	return s.startRabbitMQ(ctx, cfg, dir("rabbitmq"))
}

// startTablestore starts the local Tablestore, whose STS credentials the
// functions get, or with Config.TablestoreEndpoint takes that instance and
// its key.
func (s *Stack) startTablestore(cfg Config, dir string) error {
	if cfg.ExternalTablestore() {
		s.TablestoreEndpoint = strings.TrimSuffix(cfg.TablestoreEndpoint, "/")
		s.TablestoreInstance = cfg.TablestoreInstance
		key := fcinvoker.Credentials{AccessKeyID: cfg.TablestoreAccessKeyID, AccessKeySecret: cfg.TablestoreAccessKeySecret,
			SecurityToken: cfg.TablestoreSecurityToken}
		s.creds = func() fcinvoker.Credentials { return key }
		return nil
	}
	var err error
	if s.Tablestore, err = ots.New(ots.Config{Dir: dir, Logger: s.log}); err != nil {
		return fmt.Errorf("local tablestore: %w", err)
	}
	s.closers = append(s.closers, func(context.Context) error { return s.Tablestore.Close() })
	if s.TablestoreEndpoint, err = s.Tablestore.Start(cfg.TablestoreListen); err != nil {
		return fmt.Errorf("local tablestore: %w", err)
	}
	s.TablestoreInstance = s.Tablestore.Instance()
	s.creds = (&stsCache{issue: s.Tablestore.IssueSTS}).get
	return nil
}

// startRocketMQ starts the local RocketMQ with its topics and groups, its
// MQ HTTP endpoint and, unless Config.NoRemoting and Config.NoGRPC, the
// remoting and 5.x gRPC protocols.
func (s *Stack) startRocketMQ(cfg Config, dir string) error {
	mqc := rocketmq.Config{Dir: dir, Logger: s.log}
	mqc.Broker.Clock, mqc.Broker.Strict, mqc.Broker.Retention = cfg.Clock, true, cfg.Retention
	var err error
	if s.MQ, err = rocketmq.New(mqc); err != nil {
		return fmt.Errorf("local rocketmq: %w", err)
	}
	s.closers = append(s.closers, func(context.Context) error { return s.MQ.Close() })
	if err := s.declare(cfg); err != nil {
		return fmt.Errorf("local rocketmq: %w", err)
	}
	// MQ HTTP, with the backlog and reset-offset API beside it; the
	// listener is shut down before the broker closes.
	mqSrv := new(httpserve.Server)
	if s.MQEndpoint, err = mqSrv.Start(cfg.MQListen, mqHandler(s.MQ, s.MQ.Broker(), s.Instances)); err != nil {
		return fmt.Errorf("local rocketmq: %w", err)
	}
	s.closers = append(s.closers, func(context.Context) error { mqSrv.Shutdown(5 * time.Second); return nil })
	if !cfg.NoRemoting {
		if err := s.startRemoting(cfg); err != nil {
			return fmt.Errorf("local rocketmq: %w", err)
		}
	}
	if !cfg.NoGRPC {
		if err := s.startGRPC(cfg); err != nil {
			return fmt.Errorf("local rocketmq: %w", err)
		}
	}
	return nil
}

// clusterOpenTimeout bounds reaching the cluster's name servers at start.
const clusterOpenTimeout = 15 * time.Second

// openCluster connects to the RocketMQ cluster of
// Config.RocketMQNameServers; it is closed after the bridge stops.
func (s *Stack) openCluster(ctx context.Context, cfg Config) (*cluster.Source, error) {
	octx, cancel := context.WithTimeout(ctx, clusterOpenTimeout)
	defer cancel()
	src, err := cluster.Open(octx, cluster.Config{NameServers: cfg.RocketMQNameServers, Credentials: cfg.RocketMQCredentials, Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("rocketmq cluster at %s: %w", strings.Join(cfg.RocketMQNameServers, ","), err)
	}
	s.Cluster = src
	s.RocketMQNameServers = slices.Clone(cfg.RocketMQNameServers)
	s.closers = append(s.closers, func(context.Context) error { return src.Close() })
	return src, nil
}

// startRemoting serves the RocketMQ remoting protocol (a name server and
// a broker) on the local RocketMQ's broker, once its topics and groups are
// declared; the server is closed before the broker.
func (s *Stack) startRemoting(cfg Config) error {
	srv, err := remoting.New(remoting.Config{Broker: s.MQ.Broker(), Keys: s.MQ.Keys(), ACL: cfg.ACL, Clock: cfg.Clock, Logger: s.log})
	if err != nil {
		return err
	}
	if s.NameServer, s.BrokerAddr, err = srv.Start(cfg.NameServerListen, cfg.RemotingListen); err != nil {
		return err
	}
	s.Remoting = srv
	s.closers = append(s.closers, func(context.Context) error { return srv.Close() })
	return nil
}

// startGRPC serves the RocketMQ 5.x gRPC protocol (package proxy) on the
// local RocketMQ's broker, once its topics and groups are declared; the
// server is closed before the broker.
func (s *Stack) startGRPC(cfg Config) error {
	srv, err := proxy.New(proxy.Config{Broker: s.MQ.Broker(), Keys: s.MQ.Keys(), ACL: cfg.ACL, Clock: cfg.Clock, Logger: s.log})
	if err != nil {
		return err
	}
	if s.GRPCEndpoint, err = srv.Start(cfg.GRPCListen); err != nil {
		return err
	}
	s.Proxy = srv
	s.closers = append(s.closers, func(context.Context) error { return srv.Close() })
	return nil
}

// ConsoleLink is the address that opens the web console: ConsoleURL with
// the token, which the page then keeps as a cookie; "" without a console.
func (s *Stack) ConsoleLink() string {
	if s.ConsoleURL == "" {
		return ""
	}
	return s.ConsoleURL + "/?token=" + s.ConsoleToken
}

// Tick runs what is due now on a fake clock: messages whose delay or
// invisibility ended, batch windows and retries, those of the Tablestore
// triggers too.
func (s *Stack) Tick() {
	if s.MQ != nil {
		s.MQ.Broker().Tick()
	}
	s.Bridge.Tick()
	for _, st := range s.streamTriggers {
		st.tick()
	}
}

// Close stops delivering, stops the functions (pre-stop first), and
// closes the services, flushing their data. Calls after the first do
// nothing and return its error.
func (s *Stack) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { s.closeErr = s.close(ctx) })
	return s.closeErr
}

func (s *Stack) close(ctx context.Context) error {
	var errs []error
	if s.watcher != nil {
		s.watcher.stop()
	}
	if s.cancel != nil {
		s.cancel()
		if err := <-s.done; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
		s.streamRuns.Wait()
		s.rabbitWG.Wait()
	}
	for name, inv := range s.Invokers {
		if err := inv.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("function %s: %w", name, err))
		}
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stsCache hands out STS credentials from the local Tablestore, renewed
// before they expire, as FC passes the role's with each invocation.
type stsCache struct {
	issue func(time.Duration) ots.Credentials
	mu    sync.Mutex
	cur   ots.Credentials
}

func (c *stsCache) get() fcinvoker.Credentials {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur.AccessKeyID == "" || time.Until(c.cur.Expiration) < 10*time.Minute {
		c.cur = c.issue(time.Hour)
	}
	return fcinvoker.Credentials{AccessKeyID: c.cur.AccessKeyID, AccessKeySecret: c.cur.AccessKeySecret, SecurityToken: c.cur.SecurityToken}
}
