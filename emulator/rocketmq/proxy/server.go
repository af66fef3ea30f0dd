package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	v2 "github.com/apache/rocketmq-clients/golang/v5/protocol/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Defaults of a Config's empty fields.
const (
	DefaultBrokerName = "rocketfn-broker"
	// DefaultTransactionTimeout is when a half message's producer is first
	// asked for its state.
	DefaultTransactionTimeout = 10 * time.Second
	// DefaultCheckInterval is how often unresolved half messages are
	// looked for.
	DefaultCheckInterval = time.Second
	// MaxBodySize is the largest message body accepted, as 5.x instances
	// accept (4 MiB); clients learn it from the settings.
	MaxBodySize = 4 << 20
	// maxRequestSize bounds one gRPC message: a batch of bodies of
	// MaxBodySize and their properties.
	maxRequestSize = 16 << 20
	// maxStreams bounds the concurrent calls of one connection.
	maxStreams = 1024
	// streamWorkers is how many goroutines serve calls; more calls at
	// once get goroutines of their own.
	streamWorkers = 256
	// idleTimeout closes a connection without a call for that long.
	idleTimeout = 5 * time.Minute
)

// Config configures a Server.
type Config struct {
	// Broker is the broker the server serves; required.
	Broker *broker.Broker
	// BrokerName is the broker name routes give.
	BrokerName string
	// AdvertiseHost is the address routes give for the endpoint when it
	// listens on every address (0.0.0.0 or ::); 127.0.0.1 when empty.
	AdvertiseHost string
	// Keys holds the access keys signed requests are verified against.
	Keys *keys.Ring
	// ACL refuses unsigned requests; signed ones are always verified.
	ACL bool
	// TransactionTimeout is how long after sending a half message its
	// producer is first asked for its state (DefaultTransactionTimeout
	// when 0; at least broker.MinTransCheckImmunity seconds).
	TransactionTimeout time.Duration
	// CheckInterval is how often unresolved half messages are looked for
	// (DefaultCheckInterval when 0).
	CheckInterval time.Duration
	// Clock is the broker's clock (broker.Config.Clock), for delivery
	// times and signatures' dates; nil means time.Now.
	Clock func() time.Time
	// Logger receives failures at warn and calls at debug; nil discards
	// them.
	Logger *slog.Logger
}

// Server serves apache.rocketmq.v2.MessagingService on one broker, over
// TLS and over plaintext HTTP/2 on one port.
type Server struct {
	v2.UnimplementedMessagingServiceServer

	cfg Config
	b   *broker.Broker
	log *slog.Logger

	sessions sessions

	mu       sync.Mutex
	addr     string // advertised in routes
	tlsSrv   *grpc.Server
	plainSrv *grpc.Server
	ln       net.Listener
	closed   bool
	done     chan struct{}
	wg       sync.WaitGroup
}

// New returns a Server for cfg.Broker; Start serves it.
func New(cfg Config) (*Server, error) {
	if cfg.Broker == nil {
		return nil, errors.New("proxy: Config.Broker is required")
	}
	if cfg.BrokerName == "" {
		cfg.BrokerName = DefaultBrokerName
	}
	if cfg.Keys == nil {
		cfg.Keys = &keys.Ring{}
	}
	if cfg.TransactionTimeout <= 0 {
		cfg.TransactionTimeout = DefaultTransactionTimeout
	}
	cfg.TransactionTimeout = max(cfg.TransactionTimeout, broker.MinTransCheckImmunity*time.Second)
	if cfg.CheckInterval <= 0 {
		cfg.CheckInterval = DefaultCheckInterval
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, b: cfg.Broker, log: log, done: make(chan struct{})}
	s.sessions.init()
	return s, nil
}

// Start listens on addr (host:port; "" or a port of 0 picks a free
// loopback port) and serves until Close. It returns the address clients
// use as their endpoint (host:port).
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	cert, err := selfSigned()
	if err != nil {
		return "", fmt.Errorf("proxy: TLS certificate: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("proxy: listen: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		ln.Close()
		return "", errors.New("proxy: server closed")
	}
	if s.ln != nil {
		ln.Close()
		return "", errors.New("proxy: server already started")
	}
	s.ln = ln
	s.addr = advertised(ln.Addr().(*net.TCPAddr), s.cfg.AdvertiseHost)
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(maxRequestSize),
		grpc.MaxConcurrentStreams(maxStreams),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: idleTimeout}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		grpc.ConnectionTimeout(20 * time.Second),
		// Calls run on long-lived workers, whose stacks, grown by the
		// first calls, serve the next without growing again.
		grpc.NumStreamWorkers(streamWorkers),
	}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.tlsSrv = grpc.NewServer(append(opts, grpc.Creds(credentials.NewTLS(tlsCfg)))...)
	s.plainSrv = grpc.NewServer(opts...)
	v2.RegisterMessagingServiceServer(s.tlsSrv, s)
	v2.RegisterMessagingServiceServer(s.plainSrv, s)
	tlsLn, plainLn := newChanListener(ln.Addr()), newChanListener(ln.Addr())
	s.wg.Add(4)
	go func() { defer s.wg.Done(); s.tlsSrv.Serve(tlsLn) }()
	go func() { defer s.wg.Done(); s.plainSrv.Serve(plainLn) }()
	go func() { defer s.wg.Done(); demux(ln, tlsLn, plainLn) }()
	go func() { defer s.wg.Done(); s.checkLoop() }()
	return s.addr, nil
}

// Addr is the endpoint clients use (host:port), once started.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Close stops serving: it ends the streams and connections, and returns
// once the server's goroutines are done. The broker stays open.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	ln, tlsSrv, plainSrv := s.ln, s.tlsSrv, s.plainSrv
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
		tlsSrv.Stop()
		plainSrv.Stop()
	}
	s.wg.Wait()
	return nil
}

// advertised is the host:port of a listener's address for routes.
func advertised(a *net.TCPAddr, host string) string {
	if !a.IP.IsUnspecified() {
		return a.String()
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.cfg.Clock() }
