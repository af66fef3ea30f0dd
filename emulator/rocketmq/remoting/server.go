package remoting

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Defaults of a Config's empty fields.
const (
	DefaultBrokerName         = "rocketfn-broker"
	DefaultCluster            = "DefaultCluster"
	DefaultTransactionTimeout = 10 * time.Second
	DefaultCheckInterval      = time.Second
	// DefaultMaxInFlight bounds the bytes of requests being served at
	// once, over all connections.
	DefaultMaxInFlight = 256 << 20
	// maxRequestsPerConn bounds the requests of one connection served at
	// once; more wait for one to finish (long polls count).
	maxRequestsPerConn = 1024
	// idleTimeout closes a connection without a request for that long.
	idleTimeout = 120 * time.Second
	// frameTimeout bounds the time a frame takes to arrive once begun.
	frameTimeout = 60 * time.Second
	// clientTimeout ends a client's registration without heartbeats, as a
	// broker's channelExpiredTimeout.
	clientTimeout = 120 * time.Second
	// lockLifetime is how long a queue lock lasts unless renewed
	// (REBALANCE_LOCK_MAX_LIVE_TIME).
	lockLifetime = 60 * time.Second
)

// Config configures a Server.
type Config struct {
	// Broker is the broker the server serves; required.
	Broker *broker.Broker
	// BrokerName and Cluster are the names route data gives.
	BrokerName, Cluster string
	// AdvertiseHost is the IPv4 address routes give for the broker when
	// it listens on every address (0.0.0.0); 127.0.0.1 when empty.
	AdvertiseHost string
	// Keys holds the access keys signed requests are verified against.
	Keys *keys.Ring
	// ACL refuses unsigned requests; signed ones are always verified.
	ACL bool
	// DelayLevels are the delays of levels 1, 2, ... (DefaultDelayLevels
	// when empty); retries of consumer send-back use them too.
	DelayLevels []time.Duration
	// TransactionTimeout is how long after sending a half message its
	// producer is first asked for its state, unless the message sets
	// CHECK_IMMUNITY_TIME_IN_SECONDS (DefaultTransactionTimeout when 0;
	// at least broker.MinTransCheckImmunity seconds).
	TransactionTimeout time.Duration
	// CheckInterval is how often unresolved half messages are looked for
	// (DefaultCheckInterval when 0); the broker's HalfCheckInterval is
	// how often one message is checked again.
	CheckInterval time.Duration
	// MaxInFlight bounds the bytes of requests served at once
	// (DefaultMaxInFlight when 0).
	MaxInFlight int
	// Clock is the broker's clock (broker.Config.Clock), for the times
	// of delay levels; nil means time.Now.
	Clock func() time.Time
	// Logger receives failures at warn and requests at debug; nil
	// discards them.
	Logger *slog.Logger
}

// Server serves the remoting protocol: a name server and a broker, each
// on its own listener, on one broker.Broker.
type Server struct {
	cfg    Config
	b      *broker.Broker
	log    *slog.Logger
	levels []time.Duration

	brokerAddr string // advertised in routes
	storeIP    [4]byte
	storePort  uint32

	topicNums topicNumbers
	clients   registry
	budget    budget

	mu        sync.Mutex
	listeners []net.Listener
	conns     map[*conn]struct{}
	closed    bool
	done      chan struct{}
	wg        sync.WaitGroup
}

// New returns a Server for cfg.Broker; Start serves it.
func New(cfg Config) (*Server, error) {
	if cfg.Broker == nil {
		return nil, errors.New("remoting: Config.Broker is required")
	}
	if cfg.BrokerName == "" {
		cfg.BrokerName = DefaultBrokerName
	}
	if cfg.Cluster == "" {
		cfg.Cluster = DefaultCluster
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
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	levels := cfg.DelayLevels
	if len(levels) == 0 {
		levels = DefaultDelayLevels
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s := &Server{cfg: cfg, b: cfg.Broker, log: log, levels: levels,
		conns: map[*conn]struct{}{}, done: make(chan struct{})}
	s.budget.init(cfg.MaxInFlight)
	s.clients.init()
	return s, nil
}

// Start listens on nameAddr for the name server and on brokerAddr for the
// broker ("" or a port 0 picks a free port on 127.0.0.1), and returns the
// addresses to give clients (host:port; for an unspecified address such
// as 0.0.0.0, the advertised host).
func (s *Server) Start(nameAddr, brokerAddr string) (nameServer, brokerEndpoint string, err error) {
	bl, err := listen(brokerAddr)
	if err != nil {
		return "", "", fmt.Errorf("remoting: broker: %w", err)
	}
	nl, err := listen(nameAddr)
	if err != nil {
		bl.Close()
		return "", "", fmt.Errorf("remoting: name server: %w", err)
	}
	ap, err := netip.ParseAddrPort(bl.Addr().String())
	if err == nil && ap.Addr().IsUnspecified() {
		// Listening on every address: routes name loopback, unless
		// Config.AdvertiseHost names the address others reach.
		host := netip.AddrFrom4([4]byte{127, 0, 0, 1})
		if s.cfg.AdvertiseHost != "" {
			host, err = netip.ParseAddr(s.cfg.AdvertiseHost)
		}
		ap = netip.AddrPortFrom(host, ap.Port())
	}
	if err != nil || !ap.Addr().Unmap().Is4() {
		bl.Close()
		nl.Close()
		return "", "", fmt.Errorf("remoting: broker address %s is not IPv4", bl.Addr())
	}
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	s.mu.Lock()
	s.brokerAddr, s.storeIP, s.storePort = ap.String(), ap.Addr().As4(), uint32(ap.Port())
	s.listeners = append(s.listeners, bl, nl)
	s.mu.Unlock()
	s.wg.Add(3)
	go s.accept(bl)
	go s.accept(nl)
	go s.background()
	nameServer = nl.Addr().String()
	if np, err := netip.ParseAddrPort(nameServer); err == nil && np.Addr().IsUnspecified() {
		nameServer = netip.AddrPortFrom(ap.Addr(), np.Port()).String()
	}
	return nameServer, s.brokerAddr, nil
}

func listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	return net.Listen("tcp", addr)
}

// BrokerAddr is the broker's address once Start has run.
func (s *Server) BrokerAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.brokerAddr
}

// Close stops listening, closes the connections and waits for requests
// in flight. It does not close the broker.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	for _, l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.budget.close()
	s.wg.Wait()
	return nil
}

func (s *Server) accept(l net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := l.Accept()
		if err != nil {
			return
		}
		c := &conn{s: s, nc: nc, slots: make(chan struct{}, maxRequestsPerConn),
			work: make(chan job)}
		c.ctx, c.cancel = context.WithCancel(context.Background())
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

// background runs the transaction checks and expires silent clients.
func (s *Server) background() {
	defer s.wg.Done()
	tick := time.NewTicker(s.cfg.CheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
			s.checkTransactions()
			s.clients.expire(time.Now(), s)
		}
	}
}

// conn is one client connection.
type conn struct {
	s      *Server
	nc     net.Conn
	ctx    context.Context
	cancel context.CancelFunc

	wmu     sync.Mutex
	pending []byte // frames to write
	spare   []byte // the buffer last written, reused
	writing bool   // a goroutine is writing pending
	werr    error  // the first write error; the connection is done

	slots  chan struct{}  // a request holds one from its read to its response
	work   chan job       // to an idle worker (unbuffered)
	reqs   sync.WaitGroup // the workers
	opaque int32          // of requests the server sends
}

func (c *conn) serve() {
	s := c.s
	defer s.wg.Done()
	defer func() {
		c.cancel()
		c.nc.Close()
		c.reqs.Wait()
		s.clients.dropConn(c, s)
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	r := bufio.NewReaderSize(c.nc, 64<<10)
	for {
		// An idle connection ends after idleTimeout (clients heartbeat
		// every 30 s); a frame must arrive whole within frameTimeout of
		// its first part, so a stalled client gives its budget back.
		c.nc.SetReadDeadline(time.Now().Add(idleTimeout))
		size := 0
		var frameDeadline time.Time
		cmd, err := ReadCommand(r, MaxFrame, func(n int) error {
			if size == 0 {
				frameDeadline = time.Now().Add(frameTimeout)
				c.nc.SetReadDeadline(frameDeadline)
			}
			if err := s.budget.acquire(n, frameDeadline); err != nil {
				return err
			}
			size += n
			return nil
		})
		if err != nil {
			s.budget.release(size)
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, errBudgetClosed) {
				s.log.Warn("remoting: closing connection", "remote", c.nc.RemoteAddr().String(), "error", err)
			}
			return
		}
		if cmd.IsResponse() {
			s.budget.release(size) // to a check or notification: nothing waits for it
			continue
		}
		select {
		case c.slots <- struct{}{}:
		case <-c.ctx.Done():
			s.budget.release(size)
			return
		}
		// An idle worker of the connection takes the request; else a new
		// one starts. Workers outlive a request, so their stacks, grown
		// by the first, serve the next ones without growing again.
		j := job{cmd: cmd, size: size}
		select {
		case c.work <- j:
		default:
			c.reqs.Add(1)
			go c.worker(j)
		}
	}
}

// workerIdle is how long a connection's worker waits for another request
// before it exits.
const workerIdle = 5 * time.Second

// job is a request read from a connection, with the bytes of the
// in-flight budget its frame holds.
type job struct {
	cmd  *Command
	size int
}

// worker serves j, then the requests handed to it on c.work, until it
// has been idle for workerIdle or the connection ends.
func (c *conn) worker(j job) {
	defer c.reqs.Done()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		c.handle(j.cmd)
		<-c.slots
		c.s.budget.release(j.size)
		idle.Reset(workerIdle)
		select {
		case j = <-c.work:
		case <-idle.C:
			return
		case <-c.ctx.Done():
			return
		}
	}
}

// handle serves one request and writes its response.
func (c *conn) handle(req *Command) {
	start := time.Now()
	resp := c.s.dispatch(c, req)
	if resp == nil || req.IsOneway() {
		return
	}
	resp.Opaque, resp.Flag, resp.Serialize = req.Opaque, flagResponse, req.Serialize
	if resp.Language == "" {
		resp.Language = "JAVA"
	}
	resp.Version = req.Version
	if err := c.write(resp); err != nil {
		c.s.log.Debug("remoting: writing a response", "code", req.Code, "error", err)
	}
	c.s.log.Debug("remoting request", "code", req.Code, "response", resp.Code, "duration", time.Since(start))
}

// write sends a command on the connection. Frames written while another
// goroutine is writing are sent together with its next write, so
// concurrent responses share system calls.
func (c *conn) write(cmd *Command) error {
	c.wmu.Lock()
	var err error
	c.pending, err = AppendFrame(c.pending, cmd)
	if err != nil || c.writing {
		c.wmu.Unlock()
		return err
	}
	c.writing = true
	for len(c.pending) > 0 && c.werr == nil {
		buf := c.pending
		c.pending = c.spare[:0]
		c.wmu.Unlock()
		_, werr := c.nc.Write(buf)
		c.wmu.Lock()
		c.spare, c.werr = buf, werr
	}
	c.writing = false
	err = c.werr
	c.wmu.Unlock()
	return err
}

// send writes a request of the server's (a transaction check, a
// notification); the client's response is not awaited.
func (c *conn) send(code int16, ext map[string]string, body []byte, serialize byte) error {
	c.wmu.Lock()
	c.opaque++
	op := c.opaque
	c.wmu.Unlock()
	return c.write(&Command{Code: code, Language: "JAVA", Version: 317, Opaque: op, Flag: flagOneway,
		ExtFields: ext, Body: body, Serialize: serialize})
}

// response builds a response with a code and a remark.
func response(code int16, remark string) *Command {
	return &Command{Code: code, Remark: remark}
}

func ok() *Command { return &Command{Code: codeSuccess} }

// budget bounds the bytes of requests in flight.
type budget struct {
	mu     sync.Mutex
	cond   *sync.Cond
	used   int
	limit  int
	closed bool
}

var (
	errBudgetClosed  = errors.New("remoting: server closed")
	errBudgetTimeout = errors.New("remoting: a frame waited too long for the bytes of other requests to be served")
)

func (b *budget) init(limit int) {
	b.limit = limit
	b.cond = sync.NewCond(&b.mu)
}

// acquire waits until n more bytes fit (a request larger than the limit
// runs alone), or until deadline.
func (b *budget) acquire(n int, deadline time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed && b.used > 0 && b.used+n > b.limit {
		// The deadline wakes the waiters. It broadcasts holding mu, so
		// that it cannot fall between a waiter's check of the clock and
		// its Wait, where the wake-up would be lost.
		t := time.AfterFunc(time.Until(deadline), func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.cond.Broadcast()
		})
		defer t.Stop()
		for !b.closed && b.used > 0 && b.used+n > b.limit && time.Now().Before(deadline) {
			b.cond.Wait()
		}
	}
	if b.closed {
		return errBudgetClosed
	}
	if b.used > 0 && b.used+n > b.limit {
		return errBudgetTimeout
	}
	b.used += n
	return nil
}

func (b *budget) release(n int) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}

func (b *budget) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

// ext reads request header fields.
type ext map[string]string

func (e ext) int(k string) (int64, error) {
	v, ok := e[k]
	if !ok {
		return 0, fmt.Errorf("header field %s is missing", k)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("header field %s=%q is not a number", k, v)
	}
	return n, nil
}

// intOr reads an optional number.
func (e ext) intOr(k string, def int64) (int64, error) {
	if _, ok := e[k]; !ok {
		return def, nil
	}
	return e.int(k)
}

func (e ext) need(k string) (string, error) {
	v := e[k]
	if v == "" {
		return "", fmt.Errorf("header field %s is missing", k)
	}
	return v, nil
}
