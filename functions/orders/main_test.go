package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker/fctest"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
)

// TestBinary builds the function and runs it as Function Compute does: a
// process serving POST /invoke on FC_CUSTOM_LISTEN_PORT, configured by the
// environment, with the function role's STS credentials in the request
// headers. The function is not in local mode and has no key of its own
// (its process starts without credentials), so only those credentials
// can sign the reads and writes.
func TestBinary(t *testing.T) {
	ts := otstest.NewWithConfig(t, ots.Config{AccessKeyID: "orders-test", AccessKeySecret: "orders-test-secret"})
	if err := createTables(context.Background(), ts.DB(t), DefaultConfig); err != nil {
		t.Fatal(err)
	}
	f := fctest.Start(t, fctest.Config{Env: ts.Env()})

	res := f.Invoke(t, fixture(t, "created.json"))
	if !res.Failed || res.Status != http.StatusNotFound || !strings.Contains(string(res.Body), "no credentials") {
		t.Errorf("invocation without credentials: %d %s, want 404 naming the missing credentials", res.Status, res.Body)
	}
	f.SetCredentials(ts.STS())
	for _, name := range []string{"created.json", "paid.json"} {
		res = f.Invoke(t, fixture(t, name))
		if err := res.Err(); err != nil {
			t.Fatalf("invocation of %s with STS credentials: %v", name, err)
		}
	}
	for _, line := range []string{"FC Invoke Start RequestId: " + res.RequestID, "FC Invoke End RequestId: " + res.RequestID} {
		if !strings.Contains(res.Logs, line) {
			t.Errorf("the function did not log %q; its logs:\n%s", line, res.Logs)
		}
	}
	e := &env{t: t, ts: ts}
	e.wantState(map[string]string{"o-1001": StatePaid, "o-1002": StateCreated, "o-1003": StatePaid})
	e.wantCustomer("c-42", Customer{Orders: 2, TotalPaid: 2500})
	f.Stop(t) // SIGTERM: the function must exit cleanly
}

// TestSetup configures the function from its environment: the tables
// named by ORDERS_TABLE and CUSTOMERS_TABLE, created at start with
// ORDERS_CREATE_TABLES (signed with the key the environment names) or
// ROCKETFN_LOCAL (local mode: signed with the local Tablestore's key when
// no credentials are set).
func TestSetup(t *testing.T) {
	ts := otstest.New(t)
	for _, create := range []string{"ORDERS_CREATE_TABLES", "ROCKETFN_LOCAL"} {
		env := ts.Env()
		env["ORDERS_TABLE"] = "shop_orders_" + strings.ToLower(create)
		env["CUSTOMERS_TABLE"] = "shop_customers_" + strings.ToLower(create)
		env[create] = "true"
		if create != "ROCKETFN_LOCAL" {
			env["ALIBABA_CLOUD_ACCESS_KEY_ID"], env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = ts.Credentials.AccessKeyID, ts.Credentials.AccessKeySecret
		}
		app, err := setup(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("setup with %s: %v", create, err)
		}
		if _, err := app.Invoke(context.Background(), fixture(t, "created.json")); err != nil {
			t.Fatalf("Invoke with %s: %v", create, err)
		}
		if o := ts.Row(t, env["ORDERS_TABLE"], "o-1001"); o["State"] != StateCreated {
			t.Errorf("%s: order o-1001 is %v, want created", env["ORDERS_TABLE"], o)
		}
		if c := ts.Row(t, env["CUSTOMERS_TABLE"], "c-42"); c["Orders"] != int64(2) {
			t.Errorf("%s: customer c-42 is %v, want 2 orders", env["CUSTOMERS_TABLE"], c)
		}
	}

	bad := map[string]string{"ORDERS_CREATE_TABLES": "sometimes"}
	if _, err := setup(func(k string) string { return bad[k] }); err == nil || !strings.Contains(err.Error(), "ORDERS_CREATE_TABLES") {
		t.Errorf("setup with ORDERS_CREATE_TABLES=sometimes: %v, want an error naming the variable", err)
	}
	bad = map[string]string{"ORDERS_TABLE": "orders-2025", "ROCKETFN_LOCAL": "true"}
	if _, err := setup(func(k string) string { return bad[k] }); err == nil || !strings.Contains(err.Error(), "orders-2025") {
		t.Errorf("setup with ORDERS_TABLE=orders-2025: %v, want an error naming the table", err)
	}
}
