package fn

import (
	"context"
	"log/slog"
	"sync"

	"github.com/rocketfn/rocketfn/runtime/event"
)

// An App is a function: routes from messages to handlers, the middleware
// around them, and how an invocation's outcome is reported. Register
// routes, then pass the App to Start, or call Invoke. Invoke is safe for
// concurrent use; registering routes after the first Invoke panics.
type App struct {
	cfg    config
	routes []route
	raw    Handler   // the raw route (HandleRaw), wrapped in middleware at seal
	about  routeDesc // the raw route, for the routes report
	rows   Handler   // the rows route (HandleRows), wrapped in middleware at seal
	aboutR routeDesc // the rows route, for the routes report
	mws    []Middleware
	frozen sync.Once
	sealed bool
}

// A Middleware wraps a Handler to act before or after it. The first
// registered middleware is the outermost.
type Middleware func(Handler) Handler

type config struct {
	logger      *slog.Logger
	decoder     event.Decoder
	concurrency int
	onFailure   func(context.Context, Failure) error
	hooks       Hooks
	initialize  func(context.Context) error
	preStop     func(context.Context) error
	committers  []Committer
}

// An Option configures an App.
type Option func(*config)

// New returns an App configured by opts.
func New(opts ...Option) *App {
	a := &App{cfg: config{concurrency: 1}}
	for _, o := range opts {
		o(&a.cfg)
	}
	if a.cfg.logger == nil {
		a.cfg.logger = slog.New(LogHandler(slog.Default().Handler()))
	}
	return a
}

// WithLogger sets the logger for invocation and message outcomes. Wrap its
// handler with LogHandler to add request and message IDs to every record.
//
//	fn.New(fn.WithLogger(slog.New(fn.LogHandler(slog.NewJSONHandler(os.Stdout, nil)))))
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithDecoder sets the payload decoder's limits.
func WithDecoder(d event.Decoder) Option { return func(c *config) { c.decoder = d } }

// WithConcurrency lets an invocation handle up to n messages at once.
// Messages with the same sharding key are still handled one at a time, in
// payload order, so ordered topics stay ordered. The default, 1, handles
// the messages of an invocation one after another.
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = max(n, 1) } }

// WithFailureHandler makes failed messages go to report instead of failing
// the invocation. When report returns nil for every failure the invocation
// succeeds and the platform does not retry it; a failure report returns an
// error for still fails the invocation. Use it to send failed messages to
// a queue of your own, for example. Deadline overruns always fail the
// invocation.
func WithFailureHandler(report func(ctx context.Context, f Failure) error) Option {
	return func(c *config) { c.onFailure = report }
}

// WithHooks sets functions called as invocations and messages complete,
// for metrics.
func WithHooks(h Hooks) Option { return func(c *config) { c.hooks = h } }

// WithInitializer sets the function FC calls once when an instance starts
// (the initializer lifecycle hook, POST /initialize on a custom runtime).
func WithInitializer(f func(ctx context.Context) error) Option {
	return func(c *config) { c.initialize = f }
}

// WithPreStop sets the function FC calls before it stops an instance (GET
// /pre-stop on a custom runtime). Flush buffers and close clients there.
func WithPreStop(f func(ctx context.Context) error) Option {
	return func(c *config) { c.preStop = f }
}

// Use adds middleware around every per-message handler.
func (a *App) Use(mw ...Middleware) {
	a.mustNotBeSealed()
	a.mws = append(a.mws, mw...)
}

// Handle routes messages of topic whose tag matches the tag expression
// tags ("*", "created", "created||paid") to h, one message per call. A
// topic of "*" matches every topic. Routes are tried in the order they
// were registered; the first that matches takes the message.
//
// Handle panics when tags is not a valid tag expression: one that names
// no tag ("||"), has an empty tag ("A||", "||A"), mixes "*" with tags
// ("A||*"), or has a tag no message can carry (holding '|', or over 128
// bytes). The panic value is an error naming the expression and what is
// wrong with it.
func (a *App) Handle(topic, tags string, h Handler, opts ...RouteOption) {
	a.mustNotBeSealed()
	r := newRoute(topic, tags, opts)
	r.handler = h
	r.info = describeHandler(KindSingle, h, 1)
	a.routes = append(a.routes, r)
}

// HandleBatch is Handle for a BatchHandler: it receives all the matching
// messages of an invocation in one call. It panics on an invalid tag
// expression, as Handle does.
func (a *App) HandleBatch(topic, tags string, h BatchHandler, opts ...RouteOption) {
	a.mustNotBeSealed()
	r := newRoute(topic, tags, opts)
	r.batch = h
	r.info = describeHandler(KindBatch, h, 1)
	a.routes = append(a.routes, r)
}

// HandleRaw routes the payloads that are not events to h: those a rule's
// target transform makes of an event (a part of it, a constant, a
// template's text), which no other route could take. See "Raw payloads"
// in the package documentation for which payloads these are. An App has
// one raw route: HandleRaw panics when called again, or with a nil h.
func (a *App) HandleRaw(h RawHandler) {
	a.mustNotBeSealed()
	switch {
	case h == nil:
		panic("fn: HandleRaw with a nil handler")
	case a.raw != nil:
		panic("fn: HandleRaw called twice: an App has one raw route")
	}
	a.raw = rawRoute{h}
	a.about = describeHandler(KindRaw, h, 1)
}

func (a *App) mustNotBeSealed() {
	if a.sealed {
		panic("fn: routes and middleware must be registered before the first invocation")
	}
}

// seal wraps the per-message handlers in the middleware, once.
func (a *App) seal() {
	a.frozen.Do(func() {
		for i := range a.routes {
			r := &a.routes[i]
			if r.handler == nil {
				continue
			}
			for j := len(a.mws) - 1; j >= 0; j-- {
				r.handler = a.mws[j](r.handler)
			}
		}
		for j := len(a.mws) - 1; a.raw != nil && j >= 0; j-- {
			a.raw = a.mws[j](a.raw)
		}
		for j := len(a.mws) - 1; a.rows != nil && j >= 0; j-- {
			a.rows = a.mws[j](a.rows)
		}
		a.sealed = true
	})
}

// Initialize runs the initializer set with WithInitializer, if any.
func (a *App) Initialize(ctx context.Context) error {
	if a.cfg.initialize == nil {
		return nil
	}
	return a.cfg.initialize(ctx)
}

// PreStop runs the function set with WithPreStop, if any.
func (a *App) PreStop(ctx context.Context) error {
	if a.cfg.preStop == nil {
		return nil
	}
	return a.cfg.preStop(ctx)
}
