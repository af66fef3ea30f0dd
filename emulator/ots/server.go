package ots

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/internal/loglimit"
	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Defaults for a Config's empty fields.
const (
	DefaultInstance        = "rocketfn"
	DefaultAccessKeyID     = "rocketfn-local"
	DefaultAccessKeySecret = "rocketfn-local-secret"
)

// maxBody is the largest request body the service takes.
const maxBody = 5 << 20

// The bodies of the requests being served hold at most bodyBudget bytes
// at once; a request waits up to bodyWait for its share, then is answered
// OTSServerBusy, which the SDKs retry.
const (
	bodyBudget = 64 << 20
	bodyWait   = time.Second
)

// Config configures a Server. Its zero value serves instance "rocketfn" from
// memory with the default access key.
type Config struct {
	// Dir is the data directory; empty keeps all data in memory.
	Dir string
	// Instance is the instance name requests must carry.
	Instance string
	// AccessKeyID and AccessKeySecret are the access key the server
	// accepts, besides any STS credentials it issues.
	AccessKeyID     string
	AccessKeySecret string
	// NoSync acknowledges writes before they reach the disk: faster, and
	// a crash of the machine (not of the process) can lose them.
	NoSync bool
	// MaxTables is the number of tables an instance may hold (64 when 0).
	MaxTables int
	// Faults are errors and latency injected into answers, for tests of
	// clients.
	Faults []Fault
	// FaultSeed seeds the choice of the requests that faults of a Rate
	// below 1 fail: the same seed and the same sequence of requests fail
	// the same ones. 0 takes the seed from the environment variable
	// FaultSeedEnv if set, else a random one; Server.FaultSeed reports it.
	FaultSeed uint64
	// Logger receives one record per request at debug level and failures
	// at warn, at most one a second per error code (the next one counting
	// those left out as "suppressed"); strings from requests are cut to
	// 256 bytes. nil discards them.
	Logger *slog.Logger
	// Now is the clock of the data (cell timestamps, TTL, transaction and
	// STS expiry); nil uses time.Now. The x-ots-date check always uses the
	// wall clock, as clients sign with it.
	Now func() time.Time
	// Timeouts bound each connection's reads, writes and idle time; zero
	// fields take the defaults, which let every legitimate request finish
	// (see the package doc).
	Timeouts Timeouts
}

// Timeouts bound a connection's reads (of the headers, and of the whole
// request), its writes (from the end of the headers to the end of the
// answer) and its idle time between requests.
type Timeouts = httpserve.Timeouts

// Server is a local Tablestore instance speaking the Tablestore protocol.
type Server struct {
	cfg    Config
	store  kv.Store
	keys   keys.Ring
	log    *slog.Logger
	failed *loglimit.Limiter // logs refused requests, cut, at most one a second per code
	tables *catalog
	txns   *txnManager
	faults *faultInjector
	srv    httpserve.Server
	bodies *httpserve.Budget
	signal *streamSignal // StreamSignal

	lastStamp atomic.Int64 // the newest write time given out, in ms
}

// New opens the data directory (or memory) and returns a Server ready to
// serve with ServeHTTP or Start.
func New(cfg Config) (*Server, error) {
	if cfg.Instance == "" {
		cfg.Instance = DefaultInstance
	}
	if cfg.AccessKeyID == "" {
		cfg.AccessKeyID, cfg.AccessKeySecret = DefaultAccessKeyID, DefaultAccessKeySecret
	}
	if cfg.MaxTables == 0 {
		cfg.MaxTables = 64
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	seed, err := faultSeed(cfg.FaultSeed)
	if err != nil {
		return nil, err
	}
	cfg.FaultSeed = seed
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var store kv.Store
	if cfg.Dir == "" {
		store = kv.NewMemory()
	} else {
		if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("tablestore: create data directory: %w", err)
		}
		var err error
		store, err = kv.OpenBolt(filepath.Join(cfg.Dir, "tablestore.db"), kv.Options{NoSync: cfg.NoSync})
		if err != nil {
			return nil, fmt.Errorf("tablestore: open data directory: %w", err)
		}
	}
	signal := new(streamSignal)
	store = signalStore{Store: store, signal: signal}
	s := &Server{cfg: cfg, store: store, signal: signal, log: log, failed: loglimit.New(log), faults: newFaultInjector(cfg.Faults, seed), bodies: httpserve.NewBudget(bodyBudget, bodyWait)}
	s.keys.Add(Credentials{AccessKeyID: cfg.AccessKeyID, AccessKeySecret: cfg.AccessKeySecret})
	cat, err := loadCatalog(store)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("tablestore: load tables: %w", err)
	}
	s.tables = cat
	s.txns = newTxnManager(s)
	return s, nil
}

// Instance is the instance name clients must use.
func (s *Server) Instance() string { return s.cfg.Instance }

// Credentials are the server's long-lived access key.
func (s *Server) Credentials() Credentials {
	return Credentials{AccessKeyID: s.cfg.AccessKeyID, AccessKeySecret: s.cfg.AccessKeySecret}
}

// IssueSTS mints temporary credentials with a security token, valid for
// ttl, the way STS AssumeRole does for a function's role.
func (s *Server) IssueSTS(ttl time.Duration) Credentials {
	return s.keys.IssueSTS(s.now().Add(ttl))
}

// SetFaults replaces the injected faults. Their draws go on from the
// server's seeded source; they do not start it again.
func (s *Server) SetFaults(faults []Fault) { s.faults.set(faults) }

// FaultSeed is the seed of the server's fault injection: a test that
// injects faults reports it when it fails, to be rerun with it (set
// Config.FaultSeed, or the environment variable FaultSeedEnv).
func (s *Server) FaultSeed() uint64 { return s.faults.seed }

// Start serves on addr (a loopback address; "" picks a free port on
// 127.0.0.1) until Close, and returns the endpoint to give clients.
func (s *Server) Start(addr string) (string, error) {
	s.srv.Timeouts = s.cfg.Timeouts
	endpoint, err := s.srv.Start(addr, s)
	if err != nil {
		return "", fmt.Errorf("tablestore: %w", err)
	}
	return endpoint, nil
}

// Endpoint is the URL clients use, once Start has run.
func (s *Server) Endpoint() string { return s.srv.Endpoint() }

// Close stops serving, waits for requests in flight, and closes the store.
func (s *Server) Close() error {
	s.srv.Shutdown(10 * time.Second)
	s.txns.close()
	return s.store.Close()
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// writeTime is the time, in ms, of a write about to be applied: the data
// clock, but never before a time already given out. Writes take it where
// they are applied (in the store's Update, or under their transaction's
// lock), so writes applied in order carry non-decreasing cell timestamps
// and a later write is never hidden behind an earlier one's version.
func (s *Server) writeTime() int64 {
	now := s.now().UnixMilli()
	for {
		last := s.lastStamp.Load()
		if now <= last {
			return last
		}
		if s.lastStamp.CompareAndSwap(last, now) {
			return now
		}
	}
}

// ServeHTTP answers one Tablestore request: POST /<Action> with a protobuf
// body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := randomID(16)
	action, err := actionOf(r.URL.Path)
	var cred Credentials
	var resp answer
	if err == nil {
		cred, resp, err = s.serve(r, action)
	}
	var body []byte
	status := http.StatusOK
	if err == nil {
		body, err = encodeAnswer(action, resp)
	}
	if err != nil {
		status = err.Status()
		if err.Code == "" {
			body = []byte(err.Message) // a bare HTTP error, as a proxy in front of the service answers
		} else {
			body, _ = sdkproto.Marshal(&pb.Error{Code: proto.String(err.Code), Message: proto.String(err.Message)})
		}
		s.failed.Warn(err.Code, "tablestore request failed", "action", action, "request_id", requestID, "code", err.Code, "message", err.Message)
	}
	if status == http.StatusOK && body == nil {
		body = []byte{}
	}
	setResponseHeaders(w.Header(), action, requestID, body, cred, s.now())
	w.WriteHeader(status)
	w.Write(body)
	s.log.Debug("tablestore request", "action", loglimit.Cut(action), "request_id", requestID, "status", status, "duration", time.Since(start))
}

// actionOf returns the action a request path names. The service serves
// each action at one path, /<Action>, at the endpoint's root: a path with
// a prefix or a trailing segment is refused, as an endpoint with a path or
// a trailing slash would be by the service.
func actionOf(path string) (string, *Error) {
	action, ok := strings.CutPrefix(path, "/")
	if !ok || strings.Contains(action, "/") {
		return path, invalid("The request path %q names no action: actions are served at /<Action> on the endpoint's root (check the endpoint for a path or a trailing slash).", path)
	}
	return action, nil
}

func (s *Server) serve(r *http.Request, action string) (Credentials, answer, *Error) {
	if r.Method != http.MethodPost {
		return Credentials{}, nil, errorf(CodeMethodNotAllowed, "Only POST is allowed, got %s.", r.Method)
	}
	op, ok := actions[action]
	if !ok {
		return Credentials{}, nil, invalid("Unsupported action: %q.", action)
	}
	cred, aerr := s.authenticate(r, action)
	if aerr != nil {
		return Credentials{}, nil, aerr
	}
	body, release, err := s.bodies.ReadBody(r, maxBody)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return Credentials{}, nil, errorf(CodeRequestBodyTooLarge, "Request body is larger than %d bytes.", maxBody)
		case errors.Is(err, httpserve.ErrBusy):
			return Credentials{}, nil, errorf(CodeServerBusy, "The server is reading too many request bodies at once; retry later.")
		}
		return Credentials{}, nil, invalid("Read request body: %v.", err)
	}
	defer release()
	if derr := checkContentMD5(r, body); derr != nil {
		return Credentials{}, nil, derr
	}
	ferr, after := s.faults.inject(r.Context(), action)
	if ferr != nil && !after {
		return cred, nil, ferr
	}
	if op.unsupported != "" {
		return cred, nil, errorf(CodeUnsupportOperation, "%s is not supported by the local emulator: %s.", action, op.unsupported)
	}
	resp, herr := op.handle(s, action, body)
	switch {
	case ferr != nil:
		return cred, nil, ferr
	case herr != nil:
		return cred, nil, asError(herr)
	}
	return cred, resp, nil
}

// encodeAnswer encodes an action's answer; nil is an empty body.
func encodeAnswer(action string, a answer) ([]byte, *Error) {
	switch a := a.(type) {
	case nil:
		return nil, nil
	case wireMarshaler:
		return a.appendWire(make([]byte, 0, 256)), nil
	case sdkproto.Message:
		b, err := sdkproto.Marshal(a)
		if err != nil {
			return nil, errorf(CodeInternalServerError, "encode %s answer: %v", action, err)
		}
		return b, nil
	}
	return nil, errorf(CodeInternalServerError, "encode %s answer: unknown type %T", action, a)
}
