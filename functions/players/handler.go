package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Topic is the RocketMQ topic the function consumes; every tag is taken.
const Topic = "players"

// DefaultTable is the table rows go to when PLAYERS_TABLE is unset.
const DefaultTable = "players"

// Player is a message body and the row it becomes: the primary key id
// (STRING) and the columns Name, Job and Hero.
type Player struct {
	ID   string `json:"id" tablestore:"id,pk"`
	Name string `json:"name" tablestore:"Name"`
	Job  string `json:"job" tablestore:"Job"`
	Hero string `json:"hero" tablestore:"Hero"`
}

// errNoID fails a message whose body has no id: it would otherwise write
// the row of the empty key.
var errNoID = errors.New(`player body: field "id" is missing or empty`)

// newApp is the function apart from how it is started: a handler for
// topic Topic that puts each player into table through db, whose writes
// the App commits together at the end of each invocation.
func newApp(db *store.DB, table string) (*fn.App, error) {
	players, err := store.NewTable[Player](db, table)
	if err != nil {
		return nil, fmt.Errorf("players: table %q: %w", table, err)
	}
	app := fn.New(fn.WithCommitter(db))
	app.Handle(Topic, "*", fn.Typed(func(ctx context.Context, p Player) error {
		return savePlayer(ctx, players, p)
	}))
	return app, nil
}

// savePlayer writes p's row. Put overwrites Name, Job and Hero of an
// existing row; a redelivered message changes nothing (see package
// tablestore on idempotency).
func savePlayer(ctx context.Context, players *store.Table[Player], p Player) error {
	if p.ID == "" {
		return errNoID
	}
	if err := players.Put(ctx, p); err != nil {
		return fmt.Errorf("put player %q: %w", p.ID, err)
	}
	return nil
}

// createTable creates table with Player's primary key unless it exists.
// Local runs and tests use it; deployments create the table with their
// infrastructure.
func createTable(ctx context.Context, db *store.DB, table string) error {
	players, err := store.NewTable[Player](db, table)
	if err != nil {
		return fmt.Errorf("players: table %q: %w", table, err)
	}
	if err := players.Ensure(ctx, store.TableOptions{}); err != nil {
		return fmt.Errorf("players: create table %q: %w", table, err)
	}
	return nil
}
