package rocketmq

import (
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
	"github.com/rocketfn/rocketfn/emulator/internal/keys"
	"github.com/rocketfn/rocketfn/emulator/internal/loglimit"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Defaults for a Config's empty fields.
const (
	DefaultAccessKeyID     = "rocketfn-local"
	DefaultAccessKeySecret = "rocketfn-local-secret"
)

// maxRequest bounds a request body: the largest message body, XML-escaped.
const maxRequest = 16 << 20

// The bodies of the requests being served hold at most bodyBudget bytes
// at once; a request waits up to bodyWait for its share, then is answered
// TooManyRequests, as the service answers a throttled request.
const (
	bodyBudget = 64 << 20
	bodyWait   = 2 * time.Second
)

// Config configures a Server. Its zero value serves from memory with the
// default access key, creating topics and groups on first use.
type Config struct {
	// Dir is the data directory; empty keeps all data in memory.
	Dir string
	// NoSync acknowledges writes before they reach the disk.
	NoSync bool
	// AccessKeyID and AccessKeySecret are the access key the server
	// accepts, besides any STS credentials it issues.
	AccessKeyID     string
	AccessKeySecret string
	// Broker holds the messaging settings (invisibility times, retries,
	// strict mode, clock); its Store is set from Dir.
	Broker broker.Config
	// Logger receives one record per request at debug level and failures
	// at warn, at most one a second per error code (the next one counting
	// those left out as "suppressed"); strings from requests are cut to
	// 256 bytes. nil discards them.
	Logger *slog.Logger
	// Timeouts bound each connection's reads, writes and idle time; zero
	// fields take the defaults, which let every legitimate request finish
	// (see the package doc).
	Timeouts Timeouts
}

// Timeouts bound a connection's reads (of the headers, and of the whole
// request), its writes (from the end of the headers to the end of the
// answer) and its idle time between requests.
type Timeouts = httpserve.Timeouts

// DefaultTimeouts are the timeouts of a Config whose Timeouts are zero,
// for servers of the MQ handler built elsewhere.
var DefaultTimeouts = httpserve.DefaultTimeouts

// Server is a local RocketMQ instance speaking the MQ HTTP protocol.
type Server struct {
	cfg    Config
	broker *broker.Broker
	keys   keys.Ring
	log    *slog.Logger
	failed *loglimit.Limiter // logs refused requests, cut, at most one a second per code
	srv    httpserve.Server
	bodies *httpserve.Budget
}

// New opens the data directory (or memory) and returns a Server ready to
// serve with ServeHTTP or Start.
func New(cfg Config) (*Server, error) {
	if cfg.AccessKeyID == "" {
		cfg.AccessKeyID, cfg.AccessKeySecret = DefaultAccessKeyID, DefaultAccessKeySecret
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bc := cfg.Broker
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("rocketmq: create data directory: %w", err)
		}
		store, err := kv.OpenBolt(filepath.Join(cfg.Dir, "rocketmq.db"), kv.Options{NoSync: cfg.NoSync})
		if err != nil {
			return nil, fmt.Errorf("rocketmq: open data directory: %w", err)
		}
		bc.Store = store
	}
	b, err := broker.Open(bc)
	if err != nil {
		if bc.Store != nil {
			bc.Store.Close()
		}
		return nil, fmt.Errorf("rocketmq: %w", err)
	}
	s := &Server{cfg: cfg, broker: b, log: log, failed: loglimit.New(log), bodies: httpserve.NewBudget(bodyBudget, bodyWait)}
	s.keys.Add(Credentials{AccessKeyID: cfg.AccessKeyID, AccessKeySecret: cfg.AccessKeySecret})
	return s, nil
}

// Broker is the server's broker, for Go code that publishes and consumes
// without HTTP (the local EventBridge).
func (s *Server) Broker() *broker.Broker { return s.broker }

// Credentials are the server's long-lived access key.
func (s *Server) Credentials() Credentials {
	return Credentials{AccessKeyID: s.cfg.AccessKeyID, AccessKeySecret: s.cfg.AccessKeySecret}
}

// IssueSTS mints temporary credentials with a security token, valid for
// ttl.
func (s *Server) IssueSTS(ttl time.Duration) Credentials {
	return s.keys.IssueSTS(s.now().Add(ttl))
}

func (s *Server) now() time.Time {
	if s.cfg.Broker.Clock != nil {
		return s.cfg.Broker.Clock()
	}
	return time.Now()
}

// Start serves on addr (a loopback address; "" picks a free port on
// 127.0.0.1) until Close, and returns the endpoint to give clients.
func (s *Server) Start(addr string) (string, error) {
	s.srv.Timeouts = s.cfg.Timeouts
	endpoint, err := s.srv.Start(addr, s)
	if err != nil {
		return "", fmt.Errorf("rocketmq: %w", err)
	}
	return endpoint, nil
}

// Endpoint is the URL clients use, once Start has run.
func (s *Server) Endpoint() string { return s.srv.Endpoint() }

// Close stops serving, ends long polls, waits for requests in flight, and
// closes the store.
func (s *Server) Close() error {
	s.srv.Shutdown(5 * time.Second)
	return s.broker.Close()
}

// reply is an answer: a status and an XML document (nil for none).
type reply struct {
	status int
	doc    any
}

// ServeHTTP answers one MQ HTTP request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := randomID(12)
	rep, err := s.serve(r)
	if err != nil {
		rep = reply{status: err.status(), doc: errorDoc{Xmlns: xmlns, Code: err.Code, Message: err.Message, RequestID: requestID, HostID: r.Host}}
		s.failed.Warn(err.Code, "rocketmq request failed", "method", r.Method, "uri", r.RequestURI, "request_id", requestID, "code", err.Code, "message", err.Message)
	}
	var body []byte
	if rep.doc != nil {
		b, merr := xml.Marshal(rep.doc)
		if merr != nil {
			rep.status, b = http.StatusInternalServerError, []byte("<Error><Code>InternalError</Code></Error>")
		}
		body = append([]byte(xml.Header), b...)
	}
	h := w.Header()
	h.Set("x-mq-request-id", requestID)
	h.Set("x-mq-version", "2015-06-06")
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if body != nil {
		h.Set("Content-Type", "text/xml;charset=utf-8")
	}
	w.WriteHeader(rep.status)
	w.Write(body)
	s.log.Debug("rocketmq request", "method", loglimit.Cut(r.Method), "uri", loglimit.Cut(r.RequestURI), "status", rep.status, "duration", time.Since(start))
}

func (s *Server) serve(r *http.Request) (reply, *Error) {
	if r.URL.Path == "/health" {
		return reply{status: http.StatusNoContent}, nil // readiness, and a no-op round trip for benchmarks
	}
	topic, ok := topicOf(r.URL.Path)
	if !ok {
		return reply{}, errorf(CodeResourceNotFound, "No such resource: "+r.URL.Path+"; the API is /topics/{topic}/messages.")
	}
	if aerr := s.authenticate(r); aerr != nil {
		return reply{}, aerr
	}
	body, release, err := s.bodies.ReadBody(r, maxRequest)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return reply{}, errorf(CodeMessageBodyTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", maxRequest))
		case errors.Is(err, httpserve.ErrBusy):
			return reply{}, errorf(CodeTooManyRequests, "The server is reading too many request bodies at once; retry later.")
		}
		return reply{}, errorf(CodeInvalidArgument, "Reading the request body: "+err.Error())
	}
	defer release()
	if derr := checkDigest(r, body); derr != nil {
		return reply{}, derr
	}
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPost:
		return s.publish(r.Context(), q.Get("ns"), topic, body)
	case http.MethodGet:
		return s.consume(r.Context(), topic, q)
	case http.MethodDelete:
		return s.resolve(r.Context(), topic, q, body)
	}
	return reply{}, errorf(CodeMethodNotAllowed, "Method "+r.Method+" is not allowed on "+r.URL.Path+".")
}

// topicOf reads the topic of /topics/{topic}/messages.
func topicOf(path string) (string, bool) {
	var topic string
	if n, _ := fmt.Sscanf(path, "/topics/%s", &topic); n != 1 {
		return "", false
	}
	const suffix = "/messages"
	if len(topic) <= len(suffix) || topic[len(topic)-len(suffix):] != suffix {
		return "", false
	}
	topic = topic[:len(topic)-len(suffix)]
	for _, c := range topic {
		if c == '/' {
			return "", false
		}
	}
	return topic, true
}

// Keys is the server's access keys, its long-lived key and the STS
// credentials it issued, for the other protocols' servers on its broker.
func (s *Server) Keys() *keys.Ring { return &s.keys }
