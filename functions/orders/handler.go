package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// The tables rows go to when ORDERS_TABLE and CUSTOMERS_TABLE are unset.
const (
	DefaultOrdersTable    = "orders"
	DefaultCustomersTable = "customers"
)

// Config names the function's tables, and the topic of the
// payment-timeout messages.
type Config struct {
	Orders    string // one row per order
	Customers string // one row of counters per customer
	// TimeoutTopic also brings payment-timeout messages, when it is not
	// Topic: on Alibaba Cloud a delayed message cannot go to an ordered
	// topic (see the package doc).
	TimeoutTopic string
}

// DefaultConfig is the configuration with the default names.
var DefaultConfig = Config{Orders: DefaultOrdersTable, Customers: DefaultCustomersTable, TimeoutTopic: Topic}

// state is the function's state: the two tables, and where decisions
// that change nothing are logged.
type state struct {
	orders    *store.Table[Order]
	customers *store.Table[Customer]
	log       *slog.Logger
}

func newState(db *store.DB, cfg Config) (*state, error) {
	orders, err := store.NewTable[Order](db, cfg.Orders)
	if err != nil {
		return nil, fmt.Errorf("orders: orders table %q: %w", cfg.Orders, err)
	}
	customers, err := store.NewTable[Customer](db, cfg.Customers)
	if err != nil {
		return nil, fmt.Errorf("orders: customers table %q: %w", cfg.Customers, err)
	}
	return &state{orders: orders, customers: customers, log: slog.New(fn.LogHandler(slog.Default().Handler()))}, nil
}

// newApp is the function apart from how it is started: one route per
// kind of order event, routed by tag, writing through db, whose writes
// the App commits together at the end of each invocation. Reads through
// db see the invocation's writes not yet committed, so a message sees
// what the messages before it in its batch did to its order.
func newApp(db *store.DB, cfg Config) (*fn.App, error) {
	s, err := newState(db, cfg)
	if err != nil {
		return nil, err
	}
	app := fn.New(fn.WithCommitter(db))
	app.Handle(Topic, TagCreated, fn.TypedMessage(s.create))
	app.Handle(Topic, TagPaid, fn.TypedMessage(func(ctx context.Context, e Event, m *event.Message) error {
		return s.apply(ctx, pay, e, m)
	}))
	cancelling := fn.TypedMessage(func(ctx context.Context, e Event, m *event.Message) error {
		if m.Tag == TagPaymentTimeout {
			return s.apply(ctx, paymentTimeout, e, m)
		}
		return s.apply(ctx, cancel, e, m)
	})
	app.Handle(Topic, TagCancelled+"||"+TagPaymentTimeout, cancelling)
	if cfg.TimeoutTopic != "" && cfg.TimeoutTopic != Topic {
		app.Handle(cfg.TimeoutTopic, TagPaymentTimeout, cancelling)
	}
	return app, nil
}

// create inserts the order of a created message and counts it for its
// customer. The order may exist already: made by an earlier delivery of
// this message (whose customer update is then made again, a no-op if it
// applied), or by another message with the same order (a duplicate the
// producer sent, which changes nothing, or a conflict, which fails).
func (s *state) create(ctx context.Context, e Event, m *event.Message) error {
	if err := e.checkCreated(); err != nil {
		return err
	}
	if err := s.checkMessage(ctx, e, m); err != nil {
		return err
	}
	o, found, err := s.load(ctx, e.ID)
	switch {
	case err != nil:
		return err
	case !found:
		o = newOrder(e, m.ID)
		if err := s.orders.Insert(ctx, o); err != nil {
			return fmt.Errorf("insert order %q: %w", e.ID, err)
		}
	case o.CreatedBy == m.ID: // a redelivery
	case o.Customer == e.Customer && o.Amount == e.Amount:
		s.log.InfoContext(ctx, "orders: order created again by another message: nothing to do", "order", e.ID)
		return nil
	default:
		return fmt.Errorf("created order %q: the order exists for customer %q, amount %d; this message says customer %q, amount %d",
			e.ID, o.Customer, o.Amount, e.Customer, e.Amount)
	}
	return s.count(ctx, o.Customer, store.Add("Orders", 1))
}

// checkMessage refuses a message without an ID, which its writes are
// made idempotent by, and warns when the producer did not set the
// sharding key to the order ID, which orders the order's messages.
func (s *state) checkMessage(ctx context.Context, e Event, m *event.Message) error {
	if m.ID == "" {
		return fmt.Errorf("order %q: the message has no ID (UNIQ_KEY) to make its writes idempotent", e.ID)
	}
	if m.ShardingKey != e.ID {
		s.log.WarnContext(ctx, "orders: the sharding key is not the order ID: the order's messages may arrive out of order",
			"order", e.ID, "sharding_key", m.ShardingKey)
	}
	return nil
}

// load returns order id as Tablestore has it with this invocation's
// writes applied; found is false when there is no such order.
func (s *state) load(ctx context.Context, id string) (o Order, found bool, err error) {
	o, found, err = s.orders.Get(ctx, Order{ID: id})
	if err != nil {
		return Order{}, false, fmt.Errorf("read order %q: %w", id, err)
	}
	return o, found, nil
}

// count applies changes to the counters of customer, creating its row
// if needed.
func (s *state) count(ctx context.Context, customer string, changes ...store.Change) error {
	if err := s.customers.Update(ctx, Customer{ID: customer}, changes); err != nil {
		return fmt.Errorf("update customer %q: %w", customer, err)
	}
	return nil
}

// createTables creates the two tables unless they exist. Local runs and
// tests use it; deployments create the tables with their infrastructure.
func createTables(ctx context.Context, db *store.DB, cfg Config) error {
	s, err := newState(db, cfg)
	if err != nil {
		return err
	}
	if err := s.orders.Ensure(ctx, store.TableOptions{}); err != nil {
		return fmt.Errorf("orders: create table %q: %w", cfg.Orders, err)
	}
	if err := s.customers.Ensure(ctx, store.TableOptions{}); err != nil {
		return fmt.Errorf("orders: create table %q: %w", cfg.Customers, err)
	}
	return nil
}
