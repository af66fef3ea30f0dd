package fn

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strconv"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

// RoutesEnv is the environment variable that asks a function for its
// routes instead of serving: when it is set to anything but "" or "0",
// Start, Run, Serve and ServeGo1 write the App's RoutesReport to standard
// output as one line of JSON and exit the process with status 0, before
// they listen or call the platform. rocketfn verify runs every function
// this way to check s.yaml's triggers against the routes.
const RoutesEnv = "ROCKETFN_ROUTES"

// RoutesVersion is the version of the RoutesReport format, its
// "rocketfnRoutes" member. A report of another version is not one a
// reader of this version can take as it is.
const RoutesVersion = 1

// A HandlerKind is how a route's handler takes messages.
type HandlerKind string

// The handler kinds of a RoutesReport.
const (
	KindSingle HandlerKind = "single" // one message per call: Handle (Typed, TypedMessage, TypedResult, HandlerFunc)
	KindBatch  HandlerKind = "batch"  // the matching messages of an invocation in one call: HandleBatch (TypedBatch, BatchFunc)
	KindItems  HandlerKind = "items"  // a batch with per-message outcomes: HandleBatch with TypedItems
	KindRaw    HandlerKind = "raw"    // the payloads that are not events: HandleRaw
	KindRows   HandlerKind = "rows"   // the row changes of a Tablestore trigger: HandleRows
)

// A RoutesReport describes an App's routes and configuration, as Routes
// returns it and a function started with RoutesEnv set prints it.
type RoutesReport struct {
	Version int `json:"rocketfnRoutes"` // RoutesVersion
	// Routes are the routes of Handle and HandleBatch, in the order they
	// are tried.
	Routes []RouteInfo `json:"routes"`
	// Raw is the route of HandleRaw; nil when there is none.
	Raw *RouteInfo `json:"raw,omitempty"`
	// Rows is the route of HandleRows, for a Tablestore trigger's row
	// changes; nil when there is none.
	Rows *RouteInfo `json:"rows,omitempty"`
	// Middleware is the number of App.Use middleware.
	Middleware int `json:"middleware"`
	// Concurrency is WithConcurrency's limit: messages handled at once.
	Concurrency    int  `json:"concurrency"`
	FailureHandler bool `json:"failureHandler,omitempty"` // WithFailureHandler is set
	Committers     int  `json:"committers,omitempty"`     // committers (package store's, say)
	Initializer    bool `json:"initializer,omitempty"`    // WithInitializer is set
	PreStop        bool `json:"preStop,omitempty"`        // WithPreStop is set
}

// RouteInfo describes one route of a RoutesReport.
type RouteInfo struct {
	// Topic is the topic the route takes, "*" for every topic; "" for the
	// raw route.
	Topic string `json:"topic"`
	// Tags is the tag expression in canonical form: "*", or tags joined
	// by "||"; "" for the raw route.
	Tags string      `json:"tags"`
	Kind HandlerKind `json:"kind"`
	// Type is the Go type the handler decodes bodies into (as
	// reflect.Type.String prints it: "main.Order", "string", "[]uint8"),
	// for handlers made by Typed, TypedMessage, TypedResult, TypedBatch,
	// TypedItems and RawTyped; "" for others.
	Type string `json:"type,omitempty"`
	// Where is the event pattern of the Where option, canonical JSON; ""
	// when the route has none. Such a route takes only the messages of
	// its topic and tags that the pattern also matches.
	Where string `json:"where,omitempty"`
	// Middleware is the number of middleware around the handler: every
	// App.Use middleware for a per-message or raw handler, 0 for a batch
	// handler, which middleware does not wrap.
	Middleware int `json:"middleware"`
	// Registered is where the route was registered: the file and line of
	// the call of Handle, HandleBatch or HandleRaw.
	Registered string `json:"registered,omitempty"`
}

// routeDesc is what a route's report tells beyond its topic and tags.
type routeDesc struct {
	kind    HandlerKind
	decodes string // the Go type the handler decodes into; "" if unknown
	at      string // file:line of the registration
}

// describeHandler tells h's kind and decoded type, and where the call
// depth frames above it registered it.
func describeHandler(kind HandlerKind, h any, depth int) routeDesc {
	d := routeDesc{kind: kind}
	if t, ok := h.(interface{ decodes() reflect.Type }); ok {
		d.decodes = t.decodes().String()
	}
	if _, ok := h.(interface{ items() }); ok && kind == KindBatch {
		d.kind = KindItems
	}
	if _, file, line, ok := runtime.Caller(depth + 1); ok {
		d.at = file + ":" + strconv.Itoa(line)
	}
	return d
}

// Routes describes the App's routes and configuration. It may be called
// before or after the first invocation.
func (a *App) Routes() RoutesReport {
	r := RoutesReport{
		Version:        RoutesVersion,
		Routes:         make([]RouteInfo, 0, len(a.routes)),
		Middleware:     len(a.mws),
		Concurrency:    a.cfg.concurrency,
		FailureHandler: a.cfg.onFailure != nil,
		Committers:     len(a.cfg.committers),
		Initializer:    a.cfg.initialize != nil,
		PreStop:        a.cfg.preStop != nil,
	}
	for i := range a.routes {
		rt := &a.routes[i]
		info := RouteInfo{Topic: rt.topic, Tags: rt.tags.String(), Kind: rt.info.kind, Type: rt.info.decodes, Registered: rt.info.at}
		if info.Topic == "" {
			info.Topic = "*"
		}
		if rt.pattern != nil {
			info.Where = rt.pattern.String()
		}
		if info.Kind == KindSingle {
			info.Middleware = len(a.mws)
		}
		r.Routes = append(r.Routes, info)
	}
	if a.raw != nil {
		r.Raw = &RouteInfo{Kind: KindRaw, Type: a.about.decodes, Middleware: len(a.mws), Registered: a.about.at}
	}
	if a.rows != nil {
		r.Rows = &RouteInfo{Kind: KindRows, Type: a.aboutR.decodes, Middleware: len(a.mws), Registered: a.aboutR.at}
	}
	return r
}

// WriteRoutes writes the App's RoutesReport to w as one line of JSON.
func (a *App) WriteRoutes(w io.Writer) error {
	b, err := json.Marshal(a.Routes())
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// RoutesRequested reports whether the process's environment asks for
// the routes report (RoutesEnv set, and not to "0"), which Start, Run and
// Serve then write instead of serving. Entry points of other platforms
// (package awslambda) check it to hand over to Start.
func RoutesRequested() bool { return routesRequested(os.Getenv) }

// routesRequested is RoutesRequested with the environment read by getenv.
func routesRequested(getenv func(string) string) bool {
	v := getenv(RoutesEnv)
	return v != "" && v != "0"
}

// exit is os.Exit; the report's entry points call it.
var exit = os.Exit

// reportRoutes is the routes mode of the entry points: when getenv asks
// for the report, it writes it to standard output and exits the process,
// with status 0, or 1 when the report cannot be written.
func reportRoutes(app *App, getenv func(string) string) {
	if !routesRequested(getenv) {
		return
	}
	if err := app.WriteRoutes(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rocketfn: write the routes report:", err)
		exit(1)
		return
	}
	exit(0)
}

// Handler types that tell the report what they decode into. Each is the
// function type of HandlerFunc, BatchFunc or RawFunc, so the constructors
// return the same closures as before, typed for the report.
type (
	typedFunc[T any]      func(ctx context.Context, m *event.Message) (any, error)
	typedBatchFunc[T any] func(ctx context.Context, msgs []*event.Message) (any, error)
	typedItemsFunc[T any] func(ctx context.Context, msgs []*event.Message) (any, error)
	rawTypedFunc[T any]   func(ctx context.Context, payload []byte) (any, error)
)

func (f typedFunc[T]) Handle(ctx context.Context, m *event.Message) (any, error) { return f(ctx, m) }
func (typedFunc[T]) decodes() reflect.Type                                       { return reflect.TypeFor[T]() }

func (f typedBatchFunc[T]) HandleBatch(ctx context.Context, msgs []*event.Message) (any, error) {
	return f(ctx, msgs)
}
func (typedBatchFunc[T]) decodes() reflect.Type { return reflect.TypeFor[T]() }

func (f typedItemsFunc[T]) HandleBatch(ctx context.Context, msgs []*event.Message) (any, error) {
	return f(ctx, msgs)
}
func (typedItemsFunc[T]) decodes() reflect.Type { return reflect.TypeFor[T]() }
func (typedItemsFunc[T]) items()                {}

func (f rawTypedFunc[T]) HandleRaw(ctx context.Context, payload []byte) (any, error) {
	return f(ctx, payload)
}
func (rawTypedFunc[T]) decodes() reflect.Type { return reflect.TypeFor[T]() }

// typedRowsFunc is the RowHandler of Rows, typed for the report.
type typedRowsFunc[T any] func(ctx context.Context, c *rowchange.Change) error

func (f typedRowsFunc[T]) HandleRow(ctx context.Context, c *rowchange.Change) error { return f(ctx, c) }
func (typedRowsFunc[T]) decodes() reflect.Type                                      { return reflect.TypeFor[T]() }
