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
// can sign the writes.
func TestBinary(t *testing.T) {
	ts := otstest.NewWithConfig(t, ots.Config{AccessKeyID: "players-test", AccessKeySecret: "players-test-secret"})
	if err := createTable(context.Background(), ts.DB(t), DefaultTable); err != nil {
		t.Fatal(err)
	}
	f := fctest.Start(t, fctest.Config{Env: ts.Env()})
	payload := fixture(t, "players-batch.json")

	res := f.Invoke(t, payload)
	if !res.Failed || res.Status != http.StatusNotFound || !strings.Contains(string(res.Body), "no credentials") {
		t.Errorf("invocation without credentials: %d %s, want 404 naming the missing credentials", res.Status, res.Body)
	}
	f.SetCredentials(ts.STS())
	res = f.Invoke(t, payload)
	if err := res.Err(); err != nil {
		t.Fatalf("invocation with STS credentials: %v", err)
	}
	checkPlayers(t, ts, DefaultTable, batchPlayers)
	for _, line := range []string{"FC Invoke Start RequestId: " + res.RequestID, "FC Invoke End RequestId: " + res.RequestID} {
		if !strings.Contains(res.Logs, line) {
			t.Errorf("the function did not log %q; its logs:\n%s", line, res.Logs)
		}
	}
	f.Stop(t) // SIGTERM: the function must exit cleanly
}

// TestSetup configures the function from its environment: the table named
// by PLAYERS_TABLE, created at start with PLAYERS_CREATE_TABLE, signed
// in local mode (ROCKETFN_LOCAL) with the local Tablestore's key when no
// credentials are set; outside local mode a missing endpoint is an error.
func TestSetup(t *testing.T) {
	ts := otstest.New(t)
	env := ts.Env()
	env["PLAYERS_TABLE"] = "roster"
	env["PLAYERS_CREATE_TABLE"] = "true"
	env["ROCKETFN_LOCAL"] = "true"
	app, err := setup(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	if _, err := app.Invoke(context.Background(), fixture(t, "players-batch.json")); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	checkPlayers(t, ts, "roster", batchPlayers)

	deployed := map[string]string{"TABLESTORE_INSTANCE": ts.Instance}
	if _, err := setup(func(k string) string { return deployed[k] }); err == nil || !strings.Contains(err.Error(), "TABLESTORE_ENDPOINT") {
		t.Errorf("setup without TABLESTORE_ENDPOINT outside local mode: %v, want an error naming it", err)
	}

	env["PLAYERS_CREATE_TABLE"] = "sometimes"
	if _, err := setup(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "PLAYERS_CREATE_TABLE") {
		t.Errorf("setup with PLAYERS_CREATE_TABLE=sometimes: %v, want an error naming the variable", err)
	}
}
