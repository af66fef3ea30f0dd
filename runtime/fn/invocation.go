package fn

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// Invocation describes the platform call being handled. Platforms put it in
// the context; handlers read it with FromContext.
type Invocation struct {
	RequestID string
	// Platform names where the function runs: "fc" (custom runtime),
	// "fc-go1", "lambda", "cloudevents", or "" when Invoke is called directly.
	Platform string
	// Deadline is when the platform gives up on the invocation; zero if none.
	Deadline time.Time
	// Credentials are the temporary credentials of the function's role,
	// when the platform passes them with the invocation.
	Credentials Credentials
	Function    Function
	Region      string
	AccountID   string
	// RetryCount is how many times the platform has retried this invocation
	// (FC's x-fc-retry-count, asynchronous invocations only).
	RetryCount int
}

// Function describes the deployed function.
type Function struct {
	Name      string
	Handler   string
	Memory    int // MB
	Timeout   time.Duration
	Qualifier string // version or alias the call was made for
	Version   string
}

// Credentials are temporary security credentials. Every way of printing
// them leaves out the secret and the token: fmt's verbs (String, GoString,
// Format), JSON (MarshalJSON, as slog's JSON handler and json.Marshal of
// an Invocation use it) and slog (LogValue). Read the fields to use them.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// redacted stands for a secret that is set.
const redacted = "<redacted>"

// hide is redacted for a set secret, "" for an empty one.
func hide(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}

// String shows only the access key ID.
func (c Credentials) String() string {
	if c.AccessKeyID == "" && c.AccessKeySecret == "" && c.SecurityToken == "" {
		return "Credentials{}"
	}
	return "Credentials{AccessKeyID: " + c.AccessKeyID + ", AccessKeySecret: " + hide(c.AccessKeySecret) +
		", SecurityToken: " + hide(c.SecurityToken) + "}"
}

// GoString is %#v: a Go literal with the secret and token redacted.
func (c Credentials) GoString() string {
	return fmt.Sprintf("fn.Credentials{AccessKeyID:%q, AccessKeySecret:%q, SecurityToken:%q}",
		c.AccessKeyID, hide(c.AccessKeySecret), hide(c.SecurityToken))
}

// Format prints c for every verb as String does (GoString for %#v), so no
// verb or flag reaches the fields.
func (c Credentials) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, c.GoString())
	case verb == 'q':
		io.WriteString(f, strconv.Quote(c.String()))
	default:
		io.WriteString(f, c.String())
	}
}

// MarshalJSON writes the access key ID, and the secret and token as
// "<redacted>" when set.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AccessKeyID     string
		AccessKeySecret string `json:",omitempty"`
		SecurityToken   string `json:",omitempty"`
	}{c.AccessKeyID, hide(c.AccessKeySecret), hide(c.SecurityToken)})
}

// LogValue keeps the secret and token out of logs.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID))
}

// Valid reports whether the credentials are complete enough to sign with.
func (c Credentials) Valid() bool { return c.AccessKeyID != "" && c.AccessKeySecret != "" }

type invocationKey struct{}
type messageKey struct{}

// NewContext returns a context carrying inv. Platforms call it; so can
// tests that invoke a handler directly.
func NewContext(ctx context.Context, inv *Invocation) context.Context {
	return context.WithValue(ctx, invocationKey{}, inv)
}

// FromContext returns the invocation carried by ctx.
func FromContext(ctx context.Context) (*Invocation, bool) {
	inv, ok := ctx.Value(invocationKey{}).(*Invocation)
	return inv, ok
}

// MessageFromContext returns the message whose handler ctx was made for.
func MessageFromContext(ctx context.Context) (*event.Message, bool) {
	m, ok := ctx.Value(messageKey{}).(*event.Message)
	return m, ok
}

// withMessage is a context carrying the message being handled. It is a
// type of its own so that handling a message costs one allocation.
type withMessage struct {
	context.Context
	m *event.Message
}

func (c *withMessage) Value(key any) any {
	if key == (messageKey{}) {
		return c.m
	}
	return c.Context.Value(key)
}
