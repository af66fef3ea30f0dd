package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// uniq is the UNIQ_KEY of the n-th message of the fixtures (testdata/,
// numbered across files in the order: created 1-3, paid 4-5,
// payment-timeout 6-8, cancelled 9, one-batch 10-12,
// paid-before-created 13-14, paid-late 15, created-again 16-17, then the
// bad bodies, three messages a file).
func uniq(n int) string { return fmt.Sprintf("0A1F2B3C00002A9F%016X", n) }

// TestLifecycle creates three orders, pays two, then cancels a paid one,
// which refunds it.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json", "paid.json")
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCreated, "o-1003": StatePaid})
	e.wantOrder("o-1001", map[string]any{"Customer": "c-42", "Amount": int64(2500),
		"CreatedAt": "2025-06-01T10:00:00Z", "CreatedBy": uniq(1),
		"PaidAt": "2025-06-01T10:05:00Z", "PaidBy": uniq(4),
		"Reason": nil, "CancelledAt": nil, "CancelledBy": nil})
	e.wantOrder("o-1002", map[string]any{"Amount": int64(1200), "PaidBy": nil})
	e.wantCustomer("c-42", Customer{Orders: 2, TotalPaid: 2500})
	e.wantCustomer("c-7", Customer{Orders: 1, TotalPaid: 990})

	e.deliver("cancelled.json")
	e.wantOrder("o-1003", map[string]any{"State": StateCancelled, "Reason": "customer request",
		"CancelledAt": "2025-06-01T11:00:00Z", "CancelledBy": uniq(9), "PaidBy": uniq(5)})
	e.wantCustomer("c-7", Customer{Orders: 1, Cancelled: 1, TotalPaid: 990, Refunded: 990})
}

// TestPaymentTimeoutCancelsUnpaid lets the payment timeouts of three
// unpaid orders fire: each is cancelled for that reason.
func TestPaymentTimeoutCancelsUnpaid(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json", "payment-timeout.json")
	for i, id := range []string{"o-1001", "o-1002", "o-1003"} {
		e.wantOrder(id, map[string]any{"State": StateCancelled, "Reason": ReasonPaymentTimeout,
			"CancelledBy": uniq(6 + i), "CancelledAt": fmt.Sprintf("2025-06-01T10:3%d:00Z", i)})
	}
	e.wantCustomer("c-42", Customer{Orders: 2, Cancelled: 2})
	e.wantCustomer("c-7", Customer{Orders: 1, Cancelled: 1})
}

// TestPaymentTimeoutLeavesPaid lets the timeouts fire after two of the
// three orders were paid: the invocation succeeds, the paid orders stay
// paid and untouched, the unpaid one is cancelled.
func TestPaymentTimeoutLeavesPaid(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json", "paid.json", "payment-timeout.json")
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCancelled, "o-1003": StatePaid})
	for _, id := range []string{"o-1001", "o-1003"} {
		e.wantOrder(id, map[string]any{"Reason": nil, "CancelledAt": nil, "CancelledBy": nil})
	}
	e.wantCustomer("c-42", Customer{Orders: 2, Cancelled: 1, TotalPaid: 2500})
	e.wantCustomer("c-7", Customer{Orders: 1, TotalPaid: 990})
}

// TestTimeoutTopic delivers the payment timeouts on a topic of their
// own, as a deployment whose orders topic is ordered does.
func TestTimeoutTopic(t *testing.T) {
	e := newEnv(t)
	cfg := DefaultConfig
	cfg.TimeoutTopic = "orders-timeout"
	app, err := newApp(e.db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	e.deliver("created.json", "paid.json")
	payload := bytes.ReplaceAll(fixture(t, "payment-timeout.json"), []byte(`"topic": "orders"`), []byte(`"topic": "orders-timeout"`))
	if _, err := e.app.Invoke(context.Background(), payload); err != nil {
		t.Fatalf("Invoke the timeouts on topic orders-timeout: %v", err)
	}
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCancelled, "o-1003": StatePaid})
	e.wantCustomer("c-42", Customer{Orders: 2, Cancelled: 1, TotalPaid: 2500})
}

// TestOneBatch delivers an order's created, paid and payment-timeout
// messages in one invocation, as after a backlog: the paid message sees
// the order its batch creates, the timeout the payment, though neither
// is committed yet.
func TestOneBatch(t *testing.T) {
	e := newEnv(t)
	e.requests.take()
	e.deliver("one-batch.json")
	// A read of the order per message; at commit the order's row written
	// once (the created and paid messages' writes merged), then the
	// customer's once (the paid message's increment waits for the order
	// write it read), both as new rows, without reading them.
	got := e.requests.take()
	if want := map[string]int{"GetRow": 3, "BatchWriteRow": 2}; !maps.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	e.wantOrder("o-2001", map[string]any{"State": StatePaid, "PaidBy": uniq(11), "CancelledBy": nil})
	e.wantCustomer("c-9", Customer{Orders: 1, TotalPaid: 5000})
}

// TestRedeliveryChangesNothing delivers every batch twice, as EventBridge
// does when it retries an invocation: the second delivery succeeds and
// leaves every row, markers and cell timestamps included, as the first
// left it.
func TestRedeliveryChangesNothing(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"created.json", "paid.json", "payment-timeout.json", "cancelled.json", "one-batch.json"} {
		e.deliver(name)
		first := e.snapshot()
		e.deliver(name)
		if second := e.snapshot(); !slices.Equal(first, second) {
			t.Errorf("redelivering %s changed the tables:\nbefore %q\nafter  %q", name, first, second)
		}
	}
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCancelled, "o-1003": StateCancelled, "o-2001": StatePaid})
	e.wantCustomer("c-42", Customer{Orders: 2, Cancelled: 1, TotalPaid: 2500})
	e.wantCustomer("c-7", Customer{Orders: 1, Cancelled: 1, TotalPaid: 990, Refunded: 990})
	e.wantCustomer("c-9", Customer{Orders: 1, TotalPaid: 5000})
}

// TestRedeliveryCompletesPartialCommit makes customer updates fail at
// commit while their orders change (a counter holds a string, which
// Tablestore cannot increment): first those of two created messages, then
// that of a paid message. Each redelivery, once the counter is repaired,
// makes the missing updates, and leaves the orders as they are and the
// updates that did apply applied once.
func TestRedeliveryCompletesPartialCommit(t *testing.T) {
	e := newEnv(t)
	setCustomerColumn(t, e.client, "c-42", "Orders", "two")
	f := failures(t, e.invoke("created.json"))
	if len(f) != 2 || f[0].MessageID != uniq(1) || f[1].MessageID != uniq(2) {
		t.Fatalf("failures %+v, want the messages of o-1001 and o-1002", f)
	}
	e.wantState(map[string]string{"o-1001": StateCreated, "o-1002": StateCreated, "o-1003": StateCreated})
	e.wantCustomer("c-7", Customer{Orders: 1})
	e.redeliverAfterRepair("created.json", "c-42", "Orders")
	e.wantCustomer("c-42", Customer{Orders: 2})
	e.wantCustomer("c-7", Customer{Orders: 1})

	setCustomerColumn(t, e.client, "c-7", "TotalPaid", "lots")
	f = failures(t, e.invoke("paid.json"))
	if len(f) != 1 || f[0].MessageID != uniq(5) {
		t.Fatalf("failures %+v, want the payment of o-1003", f)
	}
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1003": StatePaid})
	e.redeliverAfterRepair("paid.json", "c-7", "TotalPaid")
	e.wantCustomer("c-42", Customer{Orders: 2, TotalPaid: 2500})
	e.wantCustomer("c-7", Customer{Orders: 1, TotalPaid: 990})
}

// redeliverAfterRepair removes column col of customer id, then delivers
// fixture again, expecting it to succeed without changing any order.
func (e *env) redeliverAfterRepair(fixture, id, col string) {
	e.t.Helper()
	orders := e.ts.Rows(e.t, DefaultOrdersTable)
	before := e.snapshot()[:len(orders)]
	removeCustomerColumn(e.t, e.client, id, col)
	e.deliver(fixture)
	if after := e.snapshot()[:len(orders)]; !slices.Equal(before, after) {
		e.t.Errorf("redelivering %s changed the orders:\nbefore %q\nafter  %q", fixture, before, after)
	}
}

// TestPaidBeforeCreated delivers an order's paid message ahead of its
// created message: the paid message fails alone, writing nothing, and
// the created one is applied. The retry of the invocation then pays the
// order and counts the payment once.
func TestPaidBeforeCreated(t *testing.T) {
	e := newEnv(t)
	f := failures(t, e.invoke("paid-before-created.json"))
	if len(f) != 1 || f[0].MessageID != uniq(13) || f[0].Index != 0 || !strings.Contains(f[0].Error, "has not been created") {
		t.Fatalf("failures %+v, want the paid message alone, failed as not created", f)
	}
	t.Logf("reason: %s", f[0].Error)
	e.wantOrder("o-3001", map[string]any{"State": StateCreated, "PaidBy": nil})
	e.wantCustomer("c-5", Customer{Orders: 1})

	e.deliver("paid-before-created.json")
	e.wantOrder("o-3001", map[string]any{"State": StatePaid, "PaidBy": uniq(13), "CreatedBy": uniq(14)})
	e.wantCustomer("c-5", Customer{Orders: 1, TotalPaid: 700})
}

// TestPaidAfterCancellation pays an order its payment timeout has
// cancelled: the message fails, naming the state, and changes nothing.
func TestPaidAfterCancellation(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json", "payment-timeout.json")
	before := e.snapshot()
	f := failures(t, e.invoke("paid-late.json"))
	if len(f) != 1 || f[0].MessageID != uniq(15) || !strings.Contains(f[0].Error, `not allowed in state "cancelled"`) {
		t.Fatalf("failures %+v, want the late payment, not allowed in state cancelled", f)
	}
	if after := e.snapshot(); !slices.Equal(before, after) {
		t.Errorf("the failed payment changed the tables:\nbefore %q\nafter  %q", before, after)
	}
}

// TestCreatedAgain delivers created messages of existing orders under
// new message IDs: the same order again changes nothing, an order with
// another amount fails as a conflict.
func TestCreatedAgain(t *testing.T) {
	e := newEnv(t)
	e.deliver("created.json")
	before := e.snapshot()
	f := failures(t, e.invoke("created-again.json"))
	if len(f) != 1 || f[0].MessageID != uniq(17) || !strings.Contains(f[0].Error, "amount 9999") {
		t.Fatalf("failures %+v, want the conflicting creation of o-1002", f)
	}
	if after := e.snapshot(); !slices.Equal(before, after) {
		t.Errorf("the created messages changed the tables:\nbefore %q\nafter  %q", before, after)
	}
}

// TestBodyThatDoesNotFitFailsAlone invokes batches whose second body does
// not fit: the invocation fails listing that message alone, with a reason
// naming what is wrong, and the other two orders are created.
func TestBodyThatDoesNotFitFailsAlone(t *testing.T) {
	for i, tc := range []struct{ fixture, reason string }{
		{"created-bad-amount.json", "amount"},
		{"created-malformed-body.json", "body"},
		{"created-no-id.json", `"id" is missing`},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			e := newEnv(t)
			f := failures(t, e.invoke(tc.fixture))
			if len(f) != 1 || f[0].MessageID != uniq(19+3*i) || f[0].Index != 1 || f[0].Topic != Topic {
				t.Fatalf("failures %+v, want message %s (index 1) alone", f, uniq(19+3*i))
			}
			if !strings.Contains(f[0].Error, tc.reason) {
				t.Errorf("reason %q does not name %q", f[0].Error, tc.reason)
			}
			t.Logf("reason: %s", f[0].Error)
			e.wantState(map[string]string{"o-4001": StateCreated, "o-4003": StateCreated})
			if e.ts.Row(t, DefaultOrdersTable, "o-4002") != nil {
				t.Errorf("the failed message wrote order o-4002")
			}
			e.wantCustomer("c-1", Customer{Orders: 2})
		})
	}
}

// setCustomerColumn sets column col of customer id's row with the SDK.
func setCustomerColumn(t *testing.T, client *tablestore.TableStoreClient, id, col string, v any) {
	t.Helper()
	pk := new(tablestore.PrimaryKey)
	pk.AddPrimaryKeyColumn("id", id)
	ch := &tablestore.UpdateRowChange{TableName: DefaultCustomersTable, PrimaryKey: pk}
	ch.PutColumn(col, v)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch}); err != nil {
		t.Fatalf("UpdateRow customer %q: %v", id, err)
	}
}

// removeCustomerColumn removes column col of customer id's row with the
// SDK.
func removeCustomerColumn(t *testing.T, client *tablestore.TableStoreClient, id, col string) {
	t.Helper()
	pk := new(tablestore.PrimaryKey)
	pk.AddPrimaryKeyColumn("id", id)
	ch := &tablestore.UpdateRowChange{TableName: DefaultCustomersTable, PrimaryKey: pk}
	ch.DeleteColumn(col)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := client.UpdateRow(&tablestore.UpdateRowRequest{UpdateRowChange: ch}); err != nil {
		t.Fatalf("UpdateRow customer %q: %v", id, err)
	}
}
