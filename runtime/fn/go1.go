package fn

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"
)

// go1APIVersion is the path version of FC's go1 runtime API.
const go1APIVersion = "/2020-11-11/runtime/invocation/"

// Values of x-fc-function-type in the go1 runtime API.
const (
	go1Invoke     = "0"
	go1Initialize = "1"
	go1PreStop    = "2"
	go1PreFreeze  = "3"
)

// ServeGo1 runs app under Function Compute's go1 runtime: it pulls
// invocations from the runtime API at addr (host:port, FC_RUNTIME_API),
// handles each on its own goroutine, and posts the response or the error.
// Lifecycle hooks arrive through the same API.
//
// ServeGo1 stops taking invocations when ctx is done (it then returns nil)
// or the runtime API fails. Either way it returns only once the invocations
// in flight have finished and been reported; cancelling ctx does not cancel
// them, their deadlines bound them.
//
// With RoutesEnv set in the environment, ServeGo1 writes the routes report
// to standard output and exits the process instead of calling the API.
func ServeGo1(ctx context.Context, app *App, addr string) error {
	reportRoutes(app, os.Getenv)
	c := &go1Client{base: "http://" + addr + go1APIVersion, http: &http.Client{},
		agent: "rocketfn (" + runtime.Version() + ")"}
	var inflight sync.WaitGroup
	defer inflight.Wait()
	invCtx := context.WithoutCancel(ctx)
	for {
		next, err := c.next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		inflight.Go(func() { c.handle(invCtx, app, next) })
	}
}

type go1Client struct {
	base  string
	http  *http.Client
	agent string
}

type go1Invocation struct {
	inv  *Invocation
	kind string
	body []byte
}

func (c *go1Client) next(ctx context.Context) (*go1Invocation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"next", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.agent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("go1 runtime API: next: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("go1 runtime API: next: read the payload: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("go1 runtime API: next: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return &go1Invocation{inv: fcInvocation(resp.Header, "fc-go1"), kind: resp.Header.Get("x-fc-function-type"), body: body}, nil
}

func (c *go1Client) handle(ctx context.Context, app *App, n *go1Invocation) {
	ctx, cancel := invocationContext(ctx, n.inv)
	defer cancel()
	var out []byte
	var err error
	switch n.kind {
	case go1Initialize:
		err = runHook(ctx, app, "Initialize", app.Initialize)
	case go1PreStop:
		err = runHook(ctx, app, "PreStop", app.PreStop)
	case go1PreFreeze:
	default:
		out, err = invokeGuarded(ctx, app, n.body)
	}
	what := "/response"
	switch {
	case err != nil:
		what, out = "/error", errorBody(err)
	case len(out) == 0:
		out = []byte("null") // what the go1 SDK sends for no result
	}
	if err := c.post(n.inv.RequestID, what, out); err != nil {
		app.cfg.logger.LogAttrs(ctx, slog.LevelError, "report the outcome to the go1 runtime API", slog.String("error", err.Error()))
	}
}

// post reports an outcome. It does not use the invocation's context: the
// report must go out even after the deadline.
func (c *go1Client) post(requestID, what string, body []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+url.PathEscape(requestID)+what, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.agent)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s", what, resp.Status)
	}
	return nil
}
