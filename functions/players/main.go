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
		slog.Error("players: start", "error", err)
		os.Exit(1)
	}
	fn.Start(app)
}

// setup reads the configuration from getenv, opens the DB, creates the
// table when PLAYERS_CREATE_TABLE asks for it or the function runs in the
// local stack (ROCKETFN_LOCAL, set by rocketfn dev), and returns the App.
func setup(getenv func(string) string) (*fn.App, error) {
	table := getenv("PLAYERS_TABLE")
	if table == "" {
		table = DefaultTable
	}
	create, err := boolEnv(getenv, "PLAYERS_CREATE_TABLE")
	if err != nil {
		return nil, err
	}
	local, err := boolEnv(getenv, "ROCKETFN_LOCAL")
	if err != nil {
		return nil, err
	}
	create = create || local
	db, err := store.Open(store.ConfigFromEnv(getenv))
	if err != nil {
		return nil, fmt.Errorf("open tablestore: %w", err)
	}
	if create {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := createTable(ctx, db, table); err != nil {
			return nil, err
		}
	}
	return newApp(db, table)
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
