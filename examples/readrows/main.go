package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Defaults: the local Tablestore that "go run ./cmd/rocketfn tablestore"
// serves, its instance and access key.
const (
	defaultEndpoint  = "http://127.0.0.1:8020"
	defaultInstance  = "rocketfn"
	localKeyID       = "rocketfn-local"
	localKeySecret   = "rocketfn-local-secret"
	envEndpoint      = "TABLESTORE_ENDPOINT"
	envInstance      = "TABLESTORE_INSTANCE"
	envKeyID         = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	envKeySecret     = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	envSecurityToken = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, configFromEnv(os.Getenv), os.Stdout, os.Args[1:]...); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "readrows:", err)
		os.Exit(1)
	}
}

// config is the Tablestore instance to read and the key to sign with.
type config struct {
	endpoint, instance   string
	keyID, secret, token string
	table                string
	limit                int
}

// configFromEnv reads the connection from the environment through getenv,
// with the local Tablestore's settings for what is unset.
func configFromEnv(getenv func(string) string) config {
	c := config{endpoint: getenv(envEndpoint), instance: getenv(envInstance),
		keyID: getenv(envKeyID), secret: getenv(envKeySecret), token: getenv(envSecurityToken)}
	if c.endpoint == "" {
		c.endpoint = defaultEndpoint
	}
	if c.instance == "" {
		c.instance = defaultInstance
	}
	if c.keyID == "" && c.secret == "" {
		c.keyID, c.secret = localKeyID, localKeySecret
	}
	return c
}

// run prints the rows of -table, read with the connection cfg, which
// -endpoint and -instance in args override, to out.
func run(ctx context.Context, cfg config, out io.Writer, args ...string) error {
	fs := flag.NewFlagSet("readrows", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.endpoint, "endpoint", cfg.endpoint, "Tablestore `url` of the instance (env "+envEndpoint+")")
	fs.StringVar(&cfg.instance, "instance", cfg.instance, "instance `name` (env "+envInstance+")")
	fs.StringVar(&cfg.table, "table", "players", "`table` to read")
	fs.IntVar(&cfg.limit, "limit", 0, "print at most this many rows; 0 for all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case cfg.keyID == "" || cfg.secret == "":
		return fmt.Errorf("access key: set both %s and %s", envKeyID, envKeySecret)
	case cfg.table == "":
		return errors.New("-table must not be empty")
	}
	client := tablestore.NewClientWithConfig(cfg.endpoint, cfg.instance, cfg.keyID, cfg.secret, cfg.token, nil)
	n, err := printRows(ctx, client, cfg.table, cfg.limit, out)
	if err != nil {
		return fmt.Errorf("read table %s of instance %s at %s: %w", cfg.table, cfg.instance, cfg.endpoint, err)
	}
	fmt.Fprintf(out, "%d rows in table %s\n", n, cfg.table)
	return nil
}
