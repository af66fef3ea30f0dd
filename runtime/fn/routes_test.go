package fn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

type routeOrder struct{ ID string }
type routeScore struct{ Points int }

// line is the line of its caller, for the registration sites.
func line() int {
	_, _, n, _ := runtime.Caller(1)
	return n
}

// registerAudit registers a route from a helper, as a user's code may:
// the report names the helper's call of HandleBatch.
func registerAudit(app *fn.App) int {
	app.HandleBatch("audit", "*", fn.BatchFunc(func(ctx context.Context, msgs []*event.Message) (any, error) { return nil, nil }))
	return line() - 1
}

// routesApp registers a route of every kind, returning the lines that
// registered them, in order, the raw route's last.
func routesApp() (*fn.App, []int) {
	app := fn.New(fn.WithConcurrency(3), fn.WithFailureHandler(func(context.Context, fn.Failure) error { return nil }),
		fn.WithInitializer(func(context.Context) error { return nil }))
	mw := func(h fn.Handler) fn.Handler { return h }
	app.Use(mw)
	var lines []int
	app.Handle("orders", "paid || created", fn.Typed(func(ctx context.Context, o routeOrder) error { return nil }),
		fn.Where(pattern.MustCompile(`{"data":{"userProperties":{"tenant":["a"]}}}`)))
	lines = append(lines, line()-2)
	app.Handle("*", "*", fn.HandlerFunc(func(ctx context.Context, m *event.Message) (any, error) { return nil, nil }))
	lines = append(lines, line()-1)
	app.HandleBatch("scores", "s1", fn.TypedItems(func(ctx context.Context, items []*fn.Item[routeScore]) error { return nil }))
	lines = append(lines, line()-1)
	app.HandleBatch("names", "*", fn.TypedBatch(func(ctx context.Context, names []string) error { return nil }))
	lines = append(lines, line()-1)
	app.Handle("results", "r", fn.TypedResult(func(ctx context.Context, b []byte) (int, error) { return len(b), nil }))
	lines = append(lines, line()-1)
	lines = append(lines, registerAudit(app))
	app.Use(mw) // after the routes: it wraps them all the same
	app.HandleRaw(fn.RawTyped(func(ctx context.Context, v map[string]any) error { return nil }))
	lines = append(lines, line()-1)
	return app, lines
}

// TestRoutesReport checks the report of a route of each kind: topic, tags
// in canonical form, kind, decoded type, pattern, middleware and where it
// was registered, and the App's options.
func TestRoutesReport(t *testing.T) {
	app, lines := routesApp()
	got := app.Routes()
	_, file, _, _ := runtime.Caller(0)
	at := func(i int) string { return file + ":" + strconv.Itoa(lines[i]) }
	want := fn.RoutesReport{
		Version: fn.RoutesVersion,
		Routes: []fn.RouteInfo{
			{Topic: "orders", Tags: "paid||created", Kind: fn.KindSingle, Type: "fn_test.routeOrder",
				Where: `{"data":{"userProperties":{"tenant":["a"]}}}`, Middleware: 2, Registered: at(0)},
			{Topic: "*", Tags: "*", Kind: fn.KindSingle, Middleware: 2, Registered: at(1)},
			{Topic: "scores", Tags: "s1", Kind: fn.KindItems, Type: "fn_test.routeScore", Registered: at(2)},
			{Topic: "names", Tags: "*", Kind: fn.KindBatch, Type: "string", Registered: at(3)},
			{Topic: "results", Tags: "r", Kind: fn.KindSingle, Type: "[]uint8", Middleware: 2, Registered: at(4)},
			{Topic: "audit", Tags: "*", Kind: fn.KindBatch, Registered: at(5)},
		},
		Raw:            &fn.RouteInfo{Kind: fn.KindRaw, Type: "map[string]interface {}", Middleware: 2, Registered: at(6)},
		Middleware:     2,
		Concurrency:    3,
		FailureHandler: true,
		Initializer:    true,
	}
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.MarshalIndent(got, "", "  ")
		wb, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("Routes() =\n%s\nwant\n%s", gb, wb)
	}

	// The report is the same once the routes are sealed in their
	// middleware by the first invocation.
	if _, err := app.Invoke(context.Background(), []byte(mq("1", "results", "r", "x"))); err != nil {
		t.Fatal(err)
	}
	if after := app.Routes(); !reflect.DeepEqual(after, want) {
		t.Errorf("Routes() after Invoke = %+v, want %+v", after, want)
	}

	var buf bytes.Buffer
	if err := app.WriteRoutes(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Count(buf.Bytes(), []byte("\n")) != 1 || !bytes.HasPrefix(buf.Bytes(), []byte(`{"rocketfnRoutes":1,`)) {
		t.Errorf("WriteRoutes wrote %q, want one line starting with the version", buf.String())
	}
	var decoded fn.RoutesReport
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil || !reflect.DeepEqual(decoded, want) {
		t.Errorf("WriteRoutes does not decode to the report: %v\n%s", err, buf.String())
	}
}

// TestRoutesReportEmpty: an App without routes reports an empty list, not
// null, and no raw route.
func TestRoutesReportEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := fn.New().WriteRoutes(&buf); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != `{"rocketfnRoutes":1,"routes":[],"middleware":0,"concurrency":1}` {
		t.Errorf("empty App's report = %s", got)
	}
}

// routesEntryEnv names the entry point TestRoutesHelperProcess calls.
const routesEntryEnv = "FN_TEST_ROUTES_ENTRY"

// TestRoutesHelperProcess is the function TestRoutesEntryPoints runs in a
// process of its own: it starts routesApp through the entry point
// routesEntryEnv names. It does nothing in a test run of its own.
func TestRoutesHelperProcess(t *testing.T) {
	entry := os.Getenv(routesEntryEnv)
	if entry == "" {
		t.Skip("run by TestRoutesEntryPoints")
	}
	app, _ := routesApp()
	var err error
	switch entry {
	case "start":
		fn.Start(app)
	case "run":
		err = fn.Run(context.Background(), app, os.Getenv)
	case "serve":
		var ln net.Listener
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err == nil {
			err = fn.Serve(context.Background(), app, ln)
		}
	case "go1":
		err = fn.ServeGo1(context.Background(), app, os.Getenv("FC_RUNTIME_API"))
	}
	// Serving ends only with an error here: the port is taken, or
	// nothing answers at the runtime API's address.
	os.Stderr.WriteString("served: " + errors.Join(err, errors.New("returned")).Error() + "\n")
	os.Exit(3)
}

// TestRoutesEntryPoints runs a function through each entry point with
// ROCKETFN_ROUTES=1: each prints the report on standard output and exits
// 0 without serving. Serving would fail, which the helper reports with
// status 3: the port Start and Run would listen on is taken, and nothing
// answers at the go1 runtime API's address. With ROCKETFN_ROUTES=0 the
// same process serves, and so fails.
func TestRoutesEntryPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary")
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, port, _ := net.SplitHostPort(taken.Addr().String())
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := closed.Addr().String()
	closed.Close()

	run := func(entry, routes string) (stdout, stderr string, code int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRoutesHelperProcess$")
		cmd.Env = append(os.Environ(), routesEntryEnv+"="+entry, fn.RoutesEnv+"="+routes,
			"ROCKETFN_HOST=127.0.0.1", "FC_CUSTOM_LISTEN_PORT="+port, "FC_RUNTIME_API=")
		if entry == "go1" {
			cmd.Env = append(cmd.Env, "FC_RUNTIME_API="+api)
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			t.Fatalf("%s: %v", entry, err)
		}
		return out.String(), errb.String(), code
	}
	for _, entry := range []string{"start", "run", "serve", "go1"} {
		stdout, stderr, code := run(entry, "1")
		if code != 0 {
			t.Errorf("%s with %s=1: exit status %d, want 0; stderr:\n%s", entry, fn.RoutesEnv, code, stderr)
			continue
		}
		var r fn.RoutesReport
		if err := json.Unmarshal([]byte(stdout), &r); err != nil || strings.Count(stdout, "\n") != 1 {
			t.Errorf("%s: stdout is not one line of JSON: %v\n%s", entry, err, stdout)
			continue
		}
		if r.Version != fn.RoutesVersion || len(r.Routes) != 6 || r.Raw == nil || r.Routes[2].Kind != fn.KindItems ||
			filepath.Base(strings.Split(r.Routes[5].Registered, ":")[0]) != "routes_test.go" {
			t.Errorf("%s: report %+v", entry, r)
		}
		if strings.Contains(stderr, "listening") {
			t.Errorf("%s: the function served before reporting:\n%s", entry, stderr)
		}
	}
	for _, entry := range []string{"start", "go1"} {
		stdout, stderr, code := run(entry, "0")
		if code == 0 || stdout != "" {
			t.Errorf("%s with %s=0: exit status %d, stdout %q; want it to serve, and fail", entry, fn.RoutesEnv, code, stdout)
		}
		if entry == "start" && !strings.Contains(stderr, "address already in use") {
			t.Errorf("start with %s=0: stderr %q, want the listen error", fn.RoutesEnv, stderr)
		}
	}
}
