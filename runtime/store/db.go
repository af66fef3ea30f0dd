package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// The local Tablestore that `rocketfn tablestore` and `rocketfn dev`
// serve: what a Config in local mode (Config.Local) defaults to.
const (
	LocalEndpoint        = "http://127.0.0.1:8020"
	LocalInstance        = "rocketfn"
	LocalAccessKeyID     = "rocketfn-local"
	LocalAccessKeySecret = "rocketfn-local-secret"
)

// DefaultIdempotencyWindow is how long a row remembers the messages that
// changed it: longer than EventBridge retries a failed event (about a day
// with EXPONENTIAL_DECAY_RETRY).
const DefaultIdempotencyWindow = 48 * time.Hour

// Config says where the instance is and how to sign requests. Endpoint
// and Instance are required unless Local is set.
type Config struct {
	// Endpoint is the instance's endpoint, such as
	// https://myinst.cn-hangzhou.vpc.tablestore.aliyuncs.com.
	Endpoint string
	// Instance is the instance name.
	Instance string
	// Credentials sign requests made outside an invocation, or in one
	// that carries none. Inside an invocation the credentials the
	// platform passed with it (the function role's STS credentials on FC)
	// are used, so they are refreshed as FC rotates them. They may be
	// zero; a request that then has no credentials fails, naming the
	// variables to set.
	Credentials fn.Credentials
	// Local fills an empty Endpoint, Instance and Credentials with the
	// local Tablestore's (LocalEndpoint, LocalInstance and its access
	// key). ConfigFromEnv sets it when ROCKETFN_LOCAL is true, as the
	// local stack (`rocketfn dev`, `replay`, `invoke`) sets it for the
	// functions it runs; tests set it. Outside local mode nothing
	// defaults to a local service: a deployment missing a variable fails
	// at Open, not at its first write.
	Local bool
	// IdempotencyWindow is how long a row remembers the messages that
	// changed it (DefaultIdempotencyWindow when 0).
	IdempotencyWindow time.Duration
	// Timeout bounds a request made without a context deadline (30 s
	// when 0).
	Timeout time.Duration
	// Logger receives retries and failures; nil uses slog.Default.
	Logger *slog.Logger
	// Transport carries the requests; nil uses a pooled http.Transport.
	Transport http.RoundTripper
}

// ConfigFromEnv reads a Config from the variables FC and s.yaml set:
// TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE, ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN (FC sets
// the last three when the function has a role), and ROCKETFN_LOCAL
// (Config.Local; true, 1 and the other spellings strconv.ParseBool takes
// for true). Call it from main with os.Getenv.
func ConfigFromEnv(getenv func(string) string) Config {
	local, _ := strconv.ParseBool(getenv("ROCKETFN_LOCAL"))
	return Config{
		Endpoint: getenv("TABLESTORE_ENDPOINT"),
		Instance: getenv("TABLESTORE_INSTANCE"),
		Credentials: fn.Credentials{
			AccessKeyID:     getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			AccessKeySecret: getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
			SecurityToken:   getenv("ALIBABA_CLOUD_SECURITY_TOKEN"),
		},
		Local: local,
	}
}

// DB is a Tablestore instance as handlers use it. It is also the
// fn.Committer that coalesces an invocation's writes into batches: give it
// to fn.WithCommitter. A DB is safe for concurrent use.
type DB struct {
	cfg       Config
	log       *slog.Logger
	transport http.RoundTripper
	rand      func() float64 // in [0, 1), for backoff jitter
	now       func() time.Time
	marked    markedRows // rows seen to carry idempotency bookkeeping
}

// Open returns a DB for cfg. It does not connect: requests are made as
// handlers need them. It fails when cfg is incomplete: no Endpoint or
// Instance outside local mode, an endpoint that is not an http or https
// URL, or credentials with an access key ID but no secret (or the
// reverse, or a security token without both). Each error names the
// Config field and the variable ConfigFromEnv reads it from.
func Open(cfg Config) (*DB, error) {
	if err := cfg.complete(); err != nil {
		return nil, err
	}
	if cfg.IdempotencyWindow <= 0 {
		cfg.IdempotencyWindow = DefaultIdempotencyWindow
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	tr := cfg.Transport
	if tr == nil {
		tr = &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	return &DB{cfg: cfg, log: log, transport: tr, rand: rand.Float64, now: time.Now}, nil
}

// complete checks cfg and, in local mode, fills what it leaves empty.
func (cfg *Config) complete() error {
	c := &cfg.Credentials
	switch {
	case c.AccessKeyID != "" && c.AccessKeySecret == "":
		return errors.New("tablestore: Config.Credentials has an access key ID but no secret: set ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	case c.AccessKeyID == "" && c.AccessKeySecret != "":
		return errors.New("tablestore: Config.Credentials has an access key secret but no ID: set ALIBABA_CLOUD_ACCESS_KEY_ID")
	case c.AccessKeyID == "" && c.SecurityToken != "":
		return errors.New("tablestore: Config.Credentials has a security token but no access key: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	if cfg.Local {
		if cfg.Endpoint == "" {
			cfg.Endpoint = LocalEndpoint
		}
		if cfg.Instance == "" {
			cfg.Instance = LocalInstance
		}
		if !c.Valid() {
			*c = fn.Credentials{AccessKeyID: LocalAccessKeyID, AccessKeySecret: LocalAccessKeySecret}
		}
	}
	const local = " (local defaults apply only in local mode: Config.Local, ROCKETFN_LOCAL=true)"
	if cfg.Endpoint == "" {
		return errors.New("tablestore: no endpoint: set TABLESTORE_ENDPOINT (Config.Endpoint)" + local)
	}
	if u, err := url.Parse(cfg.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("tablestore: endpoint %q (TABLESTORE_ENDPOINT, Config.Endpoint) is not an http or https URL such as https://myinst.cn-hangzhou.ots.aliyuncs.com", cfg.Endpoint)
	}
	if cfg.Instance == "" {
		return errors.New("tablestore: no instance name: set TABLESTORE_INSTANCE (Config.Instance)" + local)
	}
	return nil
}

// String describes the DB without its credentials.
func (db *DB) String() string {
	return fmt.Sprintf("store.DB{Endpoint: %s, Instance: %s}", db.cfg.Endpoint, db.cfg.Instance)
}

// Instance is the instance name the DB uses.
func (db *DB) Instance() string { return db.cfg.Instance }

// client returns an SDK client for one call: signed with the invocation's
// credentials when ctx carries them, else the configured ones, and timing
// out at ctx's deadline. The SDK takes no context, so its own retries are
// off and its HTTP timeout is the time left.
func (db *DB) client(ctx context.Context) (*tablestore.TableStoreClient, error) {
	timeout := db.cfg.Timeout
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
		if timeout <= 0 {
			return nil, fmt.Errorf("tablestore: %w", context.DeadlineExceeded)
		}
	}
	cred := db.cfg.Credentials
	if inv, ok := fn.FromContext(ctx); ok && inv.Credentials.Valid() {
		cred = inv.Credentials
	}
	if !cred.Valid() {
		return nil, ErrNoCredentials
	}
	conf := &tablestore.TableStoreConfig{
		RetryTimes:  0,
		HTTPTimeout: tablestore.HTTPTimeout{ConnectionTimeout: min(timeout, 5*time.Second), RequestTimeout: timeout},
		Transport:   db.transport,
	}
	return tablestore.NewClientWithConfig(db.cfg.Endpoint, db.cfg.Instance, cred.AccessKeyID, cred.AccessKeySecret, cred.SecurityToken, conf), nil
}

// ErrNoCredentials is the error of a request that has no credentials to
// be signed with: made outside an invocation, or in one that carries
// none, by a DB whose Config has none.
var ErrNoCredentials = errors.New("tablestore: no credentials to sign the request: outside an invocation that carries the function role's, set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (Config.Credentials; FC sets them when the function has a role)")

// ErrConditionFailed is the error of a write whose condition did not
// hold: the row existed or did not, or a column condition failed.
var ErrConditionFailed = errors.New("tablestore: condition check failed")

// Error is an error the service answered with.
type Error struct {
	Code    string // OTSServerBusy, OTSParameterInvalid, ...
	Message string
	Table   string
	Index   string // the index of the request, when it was on one
	Row     string // the row written, as table(key=value, ...), when one was
}

func (e *Error) Error() string {
	switch {
	case e.Row != "":
		return fmt.Sprintf("tablestore: %s on %s: %s", e.Code, e.Row, e.Message)
	case e.Index != "":
		return fmt.Sprintf("tablestore: %s on index %q of table %q: %s", e.Code, e.Index, e.Table, e.Message)
	}
	return fmt.Sprintf("tablestore: %s on table %q: %s", e.Code, e.Table, e.Message)
}

// serviceError turns an SDK error into an *Error when it carries a code.
func serviceError(table string, err error) error {
	return serviceErrorOn(table, "", err)
}

// serviceErrorOn is serviceError for a request on index of table (no
// index: on the table).
func serviceErrorOn(table, index string, err error) error {
	var oe *tablestore.OtsError
	if errors.As(err, &oe) {
		if oe.Code == "OTSConditionCheckFail" {
			return fmt.Errorf("%w: table %q: %s", ErrConditionFailed, table, oe.Message)
		}
		return &Error{Code: oe.Code, Message: oe.Message, Table: table, Index: index}
	}
	if index != "" {
		return fmt.Errorf("tablestore: index %q of table %q: %w", index, table, err)
	}
	return fmt.Errorf("tablestore: table %q: %w", table, err)
}
