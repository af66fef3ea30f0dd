package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/rocketfn/rocketfn/emulator/ots"
)

// tablestoreFlags are the flags of "rocketfn tablestore".
type tablestoreFlags struct {
	listen, data, instance string
	keyID, keySecret       string
	memory, noSync         bool
	logLevel               string
}

// tablestoreExamples are shown under each flag by "rocketfn help tablestore".
var tablestoreExamples = map[string]string{
	"listen":            "--listen 127.0.0.1:9020, or --listen 127.0.0.1:0 for a free port",
	"data":              "--data ./testdata/tablestore",
	"instance":          "--instance myapp",
	"access-key-id":     "--access-key-id dev-key",
	"access-key-secret": "--access-key-secret dev-secret",
	"memory":            "--memory (nothing is kept after exit)",
	"no-sync":           "--no-sync (for throwaway data)",
	"log-level":         "--log-level debug (one line per request)",
}

// logLevels are the values of --log-level.
var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn}

// runTablestore is the "tablestore" command: it serves until SIGINT or
// SIGTERM. A second signal during shutdown ends the process at once.
func runTablestore(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return serveTablestore(ctx, args, os.Stdout, os.Stderr)
}

// serveTablestore parses args, serves a Tablestore instance until ctx is
// done, then closes it, flushing its data directory.
func serveTablestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseTablestoreFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevels[f.logLevel]}))
	srv, endpoint, err := startTablestore(f, log)
	if err != nil {
		return err
	}
	printTablestoreBanner(stdout, f, srv, endpoint)
	log.Info("tablestore ready", "endpoint", endpoint, "instance", srv.Instance(), "data", dataLabel(f))
	<-ctx.Done()
	log.Info("tablestore shutting down", "cause", context.Cause(ctx))
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close tablestore data %s: %w", dataLabel(f), err)
	}
	log.Info("tablestore stopped")
	return nil
}

// parseTablestoreFlags parses and checks the command's flags.
func parseTablestoreFlags(args []string, stderr io.Writer) (tablestoreFlags, error) {
	var f tablestoreFlags
	fs := flag.NewFlagSet("rocketfn tablestore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8020", "`address` to serve on; keep it on loopback unless others must reach it")
	fs.StringVar(&f.data, "data", filepath.Join(".rocketfn", "tablestore"), "`directory` holding the data, created if missing")
	fs.StringVar(&f.instance, "instance", ots.DefaultInstance, "instance `name` clients must use")
	fs.StringVar(&f.keyID, "access-key-id", ots.DefaultAccessKeyID, "access key `id` clients sign with")
	fs.StringVar(&f.keySecret, "access-key-secret", ots.DefaultAccessKeySecret, "access key `secret` clients sign with")
	fs.BoolVar(&f.memory, "memory", false, "keep the data in memory instead of --data")
	fs.BoolVar(&f.noSync, "no-sync", false, "acknowledge writes before they reach the disk (a machine crash can lose them)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log `level`: debug, info or warn")
	fs.Usage = func() { tablestoreUsage(fs) }
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	return f, checkTablestoreFlags(fs, f)
}

// checkTablestoreFlags rejects empty names and keys and contradictory flags.
func checkTablestoreFlags(fs *flag.FlagSet, f tablestoreFlags) error {
	for name, v := range map[string]string{"instance": f.instance, "access-key-id": f.keyID, "access-key-secret": f.keySecret, "listen": f.listen} {
		if v == "" {
			return usagef("--%s must not be empty", name)
		}
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return usagef("--log-level %q: want debug, info or warn", f.logLevel)
	}
	dataSet := false
	fs.Visit(func(fl *flag.Flag) { dataSet = dataSet || fl.Name == "data" })
	if f.memory && dataSet {
		return usagef("--memory and --data exclude each other")
	}
	return nil
}

// tablestoreUsage prints the command's help.
func tablestoreUsage(fs *flag.FlagSet) {
	printUsage(fs, `Usage: rocketfn tablestore [flags]

Serves a local Tablestore instance that the official SDKs use unchanged,
with its data in a directory (or in memory with --memory). It prints the
endpoint, instance and access key to give clients, then serves until
interrupted (Ctrl-C, SIGINT or SIGTERM), when it closes the data cleanly.
`, tablestoreExamples, `
Examples:

  rocketfn tablestore
  rocketfn tablestore --listen 127.0.0.1:9020 --data /tmp/ots --log-level debug
  rocketfn tablestore --memory --instance myapp
`)
}

// startTablestore opens the data and starts serving on f.listen.
func startTablestore(f tablestoreFlags, log *slog.Logger) (*ots.Server, string, error) {
	cfg := ots.Config{
		Instance:        f.instance,
		AccessKeyID:     f.keyID,
		AccessKeySecret: f.keySecret,
		NoSync:          f.noSync,
		Logger:          log,
	}
	if !f.memory {
		if err := os.MkdirAll(f.data, 0o750); err != nil {
			return nil, "", fmt.Errorf("create data directory: %w", err)
		}
		cfg.Dir = f.data
	}
	srv, err := ots.New(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("open data %s: %w", dataLabel(f), dataLocked(err, f.data))
	}
	endpoint, err := srv.Start(f.listen)
	if err != nil {
		srv.Close()
		return nil, "", fmt.Errorf("serve on %s: %w", f.listen, err)
	}
	if !isLoopback(endpoint) {
		log.Warn("tablestore is reachable beyond this machine; anyone with the access key can read and write", "listen", f.listen)
	}
	return srv, clientEndpoint(endpoint), nil
}

// dataLabel names where the data lives, for messages.
func dataLabel(f tablestoreFlags) string { return dataDir(f.memory, f.data) }

// isLoopback reports whether endpoint's host is a loopback address.
func isLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// clientEndpoint replaces an unspecified host (":8020", "0.0.0.0") in
// endpoint with 127.0.0.1, which clients on this machine can dial.
func clientEndpoint(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return u.String()
}

// Environment variables under which the banner offers the connection
// settings; ALIBABA_CLOUD_* are the names Alibaba Cloud's tools read.
const (
	envTablestoreEndpoint = "TABLESTORE_ENDPOINT"
	envTablestoreInstance = "TABLESTORE_INSTANCE"
	envAccessKeyID        = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	envAccessKeySecret    = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
)

// printTablestoreBanner prints how to connect to srv: the settings, shell
// lines to export them, and the Go client constructor.
func printTablestoreBanner(w io.Writer, f tablestoreFlags, srv *ots.Server, endpoint string) {
	cred := srv.Credentials()
	fmt.Fprintf(w, "Tablestore is serving.\n\n")
	fmt.Fprintf(w, "  endpoint:          %s\n", endpoint)
	fmt.Fprintf(w, "  instance:          %s\n", srv.Instance())
	fmt.Fprintf(w, "  access key id:     %s\n", cred.AccessKeyID)
	fmt.Fprintf(w, "  access key secret: %s\n", cred.AccessKeySecret)
	fmt.Fprintf(w, "  data:              %s\n\n", dataLabel(f))
	fmt.Fprintf(w, "Shell:\n\n")
	for _, kv := range [][2]string{
		{envTablestoreEndpoint, endpoint},
		{envTablestoreInstance, srv.Instance()},
		{envAccessKeyID, cred.AccessKeyID},
		{envAccessKeySecret, cred.AccessKeySecret},
	} {
		fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintf(w, "\nGo (import \"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore\"):\n\n")
	fmt.Fprintf(w, "  client := ots.NewClient(%q, %q, %q, %q)\n\n",
		endpoint, srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// shellQuote quotes s for a POSIX shell when it holds anything beyond
// letters, digits and a few safe punctuation marks.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
