package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

func main() {
	app, err := setup(os.Getenv)
	if err != nil {
		slog.Error("orders: start", "error", err)
		os.Exit(1)
	}
	fn.Start(app)
}

// setup reads the configuration from getenv, opens the DB, creates the
// tables when ORDERS_CREATE_TABLES asks for it or the function runs in
// the local stack (ROCKETFN_LOCAL, set by rocketfn dev), and returns the
// App.
func setup(getenv func(string) string) (*fn.App, error) {
	cfg := configFromEnv(getenv)
	create, err := boolEnv(getenv, "ORDERS_CREATE_TABLES")
	if err != nil {
		return nil, err
	}
	local, err := boolEnv(getenv, "ROCKETFN_LOCAL")
	if err != nil {
		return nil, err
	}
	db, err := store.Open(store.ConfigFromEnv(getenv))
	if err != nil {
		return nil, fmt.Errorf("open tablestore: %w", err)
	}
	if create || local {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := createTables(ctx, db, cfg); err != nil {
			return nil, err
		}
	}
	return newApp(db, cfg)
}

// configFromEnv reads the table names, ORDERS_TABLE and CUSTOMERS_TABLE,
// and ORDERS_TIMEOUT_TOPIC, defaulting to DefaultConfig's.
func configFromEnv(getenv func(string) string) Config {
	cfg := DefaultConfig
	if v := getenv("ORDERS_TABLE"); v != "" {
		cfg.Orders = v
	}
	if v := getenv("CUSTOMERS_TABLE"); v != "" {
		cfg.Customers = v
	}
	if v := getenv("ORDERS_TIMEOUT_TOPIC"); v != "" {
		cfg.TimeoutTopic = v
	}
	return cfg
}

// boolEnv parses the boolean variable name; unset is false.
func boolEnv(getenv func(string) string, name string) (bool, error) {
	s := getenv(name)
	if s == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", name, s)
	}
	return v, nil
}
