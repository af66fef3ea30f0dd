package fn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Start runs app on the platform the environment names, and exits the
// process when it stops: the go1 runtime API when FC_RUNTIME_API is set,
// else an HTTP server for Function Compute's custom runtime and CloudEvents
// senders (see HTTPHandler). For AWS Lambda, use awslambda.Start from
// github.com/rocketfn/rocketfn/runtime/awslambda, which adds Lambda to these.
//
// SIGTERM and interrupts stop the server gracefully: invocations in flight
// finish first.
//
// With RoutesEnv (ROCKETFN_ROUTES) set, Start, like Run, Serve and
// ServeGo1, prints the App's routes as JSON and exits instead of serving.
func Start(app *App) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := Run(ctx, app, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "rocketfn:", err)
		os.Exit(1)
	}
}

// Run is Start without the process: it serves app on the platform getenv
// describes until ctx is done. The HTTP server listens on every interface,
// as Function Compute requires, unless ROCKETFN_HOST names one (local runs
// and tests use 127.0.0.1).
//
// When getenv(RoutesEnv) asks for the routes report, Run writes it to
// standard output and exits the process, without serving.
func Run(ctx context.Context, app *App, getenv func(string) string) error {
	reportRoutes(app, getenv)
	if api := getenv("FC_RUNTIME_API"); api != "" {
		return ServeGo1(ctx, app, api)
	}
	if getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		return errors.New("running on AWS Lambda: start the function with awslambda.Start (package github.com/rocketfn/rocketfn/runtime/awslambda)")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(getenv("ROCKETFN_HOST"), Port(getenv)))
	if err != nil {
		return err
	}
	return Serve(ctx, app, ln)
}

// Port returns the port a custom runtime listens on: FC_CUSTOM_LISTEN_PORT,
// else FC_SERVER_PORT, else PORT, else 9000.
func Port(getenv func(string) string) string {
	for _, name := range []string{"FC_CUSTOM_LISTEN_PORT", "FC_SERVER_PORT", "PORT"} {
		if p := getenv(name); p != "" {
			return p
		}
	}
	return "9000"
}

// Serve serves app over HTTP (see HTTPHandler) on ln until ctx is done,
// then shuts down gracefully, waiting for invocations in flight. With
// RoutesEnv set in the environment, it writes the routes report to
// standard output and exits the process instead.
func Serve(ctx context.Context, app *App, ln net.Listener) error {
	reportRoutes(app, os.Getenv)
	srv := &http.Server{
		Handler:           &HTTPHandler{App: app, Log: os.Stdout},
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       10 * time.Minute,
	}
	app.cfg.logger.LogAttrs(ctx, slog.LevelInfo, "rocketfn function listening", slog.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
