package main

import (
	"errors"
	"fmt"
	"time"
)

// Topic is the RocketMQ topic the function consumes.
const Topic = "orders"

// The tags of topic Topic, one per kind of order event.
const (
	TagCreated        = "created"
	TagPaid           = "paid"
	TagCancelled      = "cancelled"
	TagPaymentTimeout = "payment-timeout"
)

// The states of an order.
const (
	StateCreated   = "created"
	StatePaid      = "paid"
	StateCancelled = "cancelled"
)

// ReasonPaymentTimeout is the reason of an order cancelled by its
// payment-timeout message; ReasonCancelled that of a cancelled message
// whose body gives none.
const (
	ReasonPaymentTimeout = "payment timeout"
	ReasonCancelled      = "cancelled"
)

// Event is the body of every message of topic Topic:
//
//	{"id":"o-1001","customer":"c-42","amount":2500,"at":"2025-06-01T10:00:00Z"}
//
// Amount is in the currency's smallest unit (cents). Created messages need
// all four fields; the others need only id, and take customer and amount
// from the order's row. Reason, optional, explains a cancellation.
type Event struct {
	ID       string    `json:"id"`
	Customer string    `json:"customer"`
	Amount   int64     `json:"amount"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason"`
}

// Order is a row of the orders table, keyed by the order ID. CreatedBy,
// PaidBy and CancelledBy hold the ID of the message that made each
// transition: a redelivered message recognizes its own transition by them.
type Order struct {
	ID          string `tablestore:"id,pk"`
	Customer    string `tablestore:"Customer"`
	Amount      int64  `tablestore:"Amount"`
	State       string `tablestore:"State"`
	Reason      string `tablestore:"Reason,omitempty"`
	CreatedAt   string `tablestore:"CreatedAt,omitempty"`
	PaidAt      string `tablestore:"PaidAt,omitempty"`
	CancelledAt string `tablestore:"CancelledAt,omitempty"`
	CreatedBy   string `tablestore:"CreatedBy"`
	PaidBy      string `tablestore:"PaidBy,omitempty"`
	CancelledBy string `tablestore:"CancelledBy,omitempty"`
}

// Customer is a row of the customers table: counters that only grow.
// TotalPaid minus Refunded is what the customer's orders hold.
type Customer struct {
	ID        string `tablestore:"id,pk"`
	Orders    int64  `tablestore:"Orders"`    // orders created
	Cancelled int64  `tablestore:"Cancelled"` // orders cancelled
	TotalPaid int64  `tablestore:"TotalPaid"` // amounts paid
	Refunded  int64  `tablestore:"Refunded"`  // amounts of paid orders later cancelled
}

var errNoID = errors.New(`order body: field "id" is missing or empty`)

// checkCreated reports what a created message's body lacks.
func (e Event) checkCreated() error {
	switch {
	case e.ID == "":
		return errNoID
	case e.Customer == "":
		return fmt.Errorf(`order %q: field "customer" is missing or empty`, e.ID)
	case e.Amount <= 0:
		return fmt.Errorf(`order %q: field "amount" is %d, want a positive amount in cents`, e.ID, e.Amount)
	case e.At.IsZero():
		return fmt.Errorf(`order %q: field "at" is missing`, e.ID)
	}
	return nil
}

// at formats the event's time for a row; "" when the body has none.
func (e Event) at() string {
	if e.At.IsZero() {
		return ""
	}
	return e.At.UTC().Format(time.RFC3339Nano)
}

// newOrder is the row a created message makes.
func newOrder(e Event, messageID string) Order {
	return Order{ID: e.ID, Customer: e.Customer, Amount: e.Amount, State: StateCreated,
		CreatedAt: e.at(), CreatedBy: messageID}
}
