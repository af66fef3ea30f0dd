package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/remoting"
	"github.com/rocketfn/rocketfn/emulator/tablestore"
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
	// ACL makes the remoting broker refuse unsigned requests. Signed ones
	// are verified whatever ACL says, against the local RocketMQ's access
	// key and the STS credentials it issued.
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
}

// Stack is a running local cloud.
type Stack struct {
	MQ                 *rocketmq.Server
	Remoting           *remoting.Server // nil with Config.NoRemoting
	Tablestore         *tablestore.Server
	Bridge             *eventbridge.Bridge
	Invokers           map[string]*fcinvoker.Invoker // by function name
	MQEndpoint         string
	NameServer         string // the remoting name server (host:port); "" with Config.NoRemoting
	BrokerAddr         string // the remoting broker (host:port) the name server routes to
	TablestoreEndpoint string
	ConsoleURL         string // the web console, when Config.ConsoleListen is set

	log       *slog.Logger
	cancel    context.CancelFunc
	done      chan error
	creds     stsCache
	closers   []func(context.Context) error
	instances []string // of the declared topics and groups
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
	s := &Stack{Invokers: map[string]*fcinvoker.Invoker{}, log: log, done: make(chan error, 1)}
	if err := s.startServices(cfg); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	if err := s.startFunctions(ctx, cfg); err != nil {
		s.Close(context.Background())
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if cfg.ConsoleListen != "" {
		if err := s.startConsole(runCtx, cfg.ConsoleListen); err != nil {
			cancel()
			s.cancel = nil
			s.Close(context.Background())
			return nil, err
		}
	}
	go func() { s.done <- s.Bridge.Run(runCtx) }()
	return s, nil
}

func (s *Stack) startServices(cfg Config) error {
	dir := func(name string) string {
		if cfg.DataDir == "" {
			return ""
		}
		return filepath.Join(cfg.DataDir, name)
	}
	var err error
	if s.Tablestore, err = tablestore.New(tablestore.Config{Dir: dir("tablestore"), Logger: s.log}); err != nil {
		return fmt.Errorf("local tablestore: %w", err)
	}
	s.closers = append(s.closers, func(context.Context) error { return s.Tablestore.Close() })
	if s.TablestoreEndpoint, err = s.Tablestore.Start(cfg.TablestoreListen); err != nil {
		return fmt.Errorf("local tablestore: %w", err)
	}
	mqc := rocketmq.Config{Dir: dir("rocketmq"), Logger: s.log}
	mqc.Broker.Clock, mqc.Broker.Strict, mqc.Broker.Retention = cfg.Clock, true, cfg.Retention
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
	store := kv.Store(kv.NewMemory())
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return err
		}
		if store, err = kv.OpenBolt(filepath.Join(cfg.DataDir, "eventbridge.db"), kv.Options{}); err != nil {
			return fmt.Errorf("local eventbridge: %w", err)
		}
	}
	s.closers = append(s.closers, func(context.Context) error { return store.Close() })
	s.Bridge, err = eventbridge.New(eventbridge.Config{Broker: s.MQ.Broker(), Store: store, Capture: cfg.Capture, Logger: s.log, Clock: cfg.Clock})
	if err != nil {
		return fmt.Errorf("local eventbridge: %w", err)
	}
	s.creds = stsCache{issue: s.Tablestore.IssueSTS}
	return nil
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

// Tick runs what is due now on a fake clock: messages whose delay or
// invisibility ended, batch windows and retries.
func (s *Stack) Tick() {
	s.MQ.Broker().Tick()
	s.Bridge.Tick()
}

// Close stops delivering, stops the functions (pre-stop first), and
// closes the services, flushing their data.
func (s *Stack) Close(ctx context.Context) error {
	var errs []error
	if s.cancel != nil {
		s.cancel()
		if err := <-s.done; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
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
	issue func(time.Duration) tablestore.Credentials
	mu    sync.Mutex
	cur   tablestore.Credentials
}

func (c *stsCache) get() fcinvoker.Credentials {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur.AccessKeyID == "" || time.Until(c.cur.Expiration) < 10*time.Minute {
		c.cur = c.issue(time.Hour)
	}
	return fcinvoker.Credentials{AccessKeyID: c.cur.AccessKeyID, AccessKeySecret: c.cur.AccessKeySecret, SecurityToken: c.cur.SecurityToken}
}
