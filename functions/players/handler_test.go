package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// TestInvokeWritesPlayers invokes the function with the sample batch and
// reads the rows back with the official SDK.
func TestInvokeWritesPlayers(t *testing.T) {
	ts := otstest.New(t)
	app := newPlayersApp(t, ts.DB(t))
	if _, err := app.Invoke(context.Background(), fixture(t, "players-batch.json")); err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	checkPlayers(t, ts, DefaultTable, batchPlayers)
}

// TestReplayChangesNothing delivers the batch twice, as EventBridge does
// when it retries an invocation: the second delivery succeeds and leaves
// every row, cell timestamps included, as the first left it.
func TestReplayChangesNothing(t *testing.T) {
	ts := otstest.New(t)
	app := newPlayersApp(t, ts.DB(t))
	payload := fixture(t, "players-batch.json")
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		t.Fatalf("first Invoke: %v", err)
	}
	first := ts.Dump(t, DefaultTable)
	if _, err := app.Invoke(context.Background(), payload); err != nil {
		t.Fatalf("replayed Invoke: %v", err)
	}
	if second := ts.Dump(t, DefaultTable); !slices.Equal(first, second) {
		t.Errorf("the replay changed the table:\nbefore %q\nafter  %q", first, second)
	}
	checkPlayers(t, ts, DefaultTable, batchPlayers)
}

// TestBodyThatDoesNotFitFailsAlone invokes batches whose second body does
// not fit a Player: the invocation fails listing that message alone, with
// a reason naming what is wrong, and the other two players are written.
func TestBodyThatDoesNotFitFailsAlone(t *testing.T) {
	for _, tc := range []struct {
		fixture, badID, badRow, reason string
	}{
		{"players-bad-id.json", "AC14C305069E1B28CDFA3181CDA2B002", "5", "id"},
		{"players-malformed-body.json", "AC14C305069E1B28CDFA3181CDA2C002", "1002", "body"},
		{"players-no-id.json", "AC14C305069E1B28CDFA3181CDA2D002", "", `field "id" is missing`},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			ts := otstest.New(t)
			app := newPlayersApp(t, ts.DB(t))
			_, err := app.Invoke(context.Background(), fixture(t, tc.fixture))
			f := onlyFailure(t, err)
			if f.MessageID != tc.badID || f.Index != 1 || f.Topic != Topic {
				t.Errorf("failure of message %q (index %d, topic %q), want %q (index 1, topic %q)", f.MessageID, f.Index, f.Topic, tc.badID, Topic)
			}
			if !strings.Contains(f.Error, tc.reason) {
				t.Errorf("reason %q does not name %q", f.Error, tc.reason)
			}
			t.Logf("reason: %s", f.Error)
			checkPlayers(t, ts, DefaultTable, []Player{batchPlayers[0], batchPlayers[2]})
			if _, ok := getPlayer(t, ts, DefaultTable, tc.badRow); ok {
				t.Errorf("the failed message wrote row %q", tc.badRow)
			}
		})
	}
}

// onlyFailure returns the one failure err, an *fn.InvokeError, lists.
func onlyFailure(t *testing.T, err error) fn.Failure {
	t.Helper()
	var ie *fn.InvokeError
	if !errors.As(err, &ie) {
		t.Fatalf("Invoke returned %v, want an *fn.InvokeError", err)
	}
	if ie.Type != fn.ErrorMessagesFailed || len(ie.Failures) != 1 {
		t.Fatalf("invocation error %s, want one failed message", ie.JSON())
	}
	return ie.Failures[0]
}

// TestInvocationCredentials checks that the credentials an invocation
// carries sign its writes: with wrong static credentials the invocation
// succeeds when it carries valid STS credentials, and fails when it
// carries none.
func TestInvocationCredentials(t *testing.T) {
	ts := otstest.New(t)
	cfg := ts.StoreConfig()
	cfg.Credentials = fn.Credentials{AccessKeyID: "not-a-key", AccessKeySecret: "not-a-secret"}
	db, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := createTable(stsContext(context.Background(), ts), db, DefaultTable); err != nil {
		t.Fatal(err)
	}
	app, err := newApp(db, DefaultTable)
	if err != nil {
		t.Fatal(err)
	}
	payload := fixture(t, "players-batch.json")

	_, err = app.Invoke(context.Background(), payload)
	var te *store.Error
	if !errors.As(err, &te) || te.Code != "OTSAuthFailed" {
		t.Fatalf("Invoke with the wrong static key and no invocation credentials: %v, want OTSAuthFailed", err)
	}
	if rows := ts.Rows(t, DefaultTable); len(rows) != 0 {
		t.Fatalf("a refused invocation wrote %d rows", len(rows))
	}

	if _, err := app.Invoke(stsContext(context.Background(), ts), payload); err != nil {
		t.Fatalf("Invoke with STS credentials: %v", err)
	}
	checkPlayers(t, ts, DefaultTable, batchPlayers)
}

// TestInvocationCredentialsOverrideStatic checks the other way round:
// invocation credentials the service refuses fail the invocation although
// the static key is valid.
func TestInvocationCredentialsOverrideStatic(t *testing.T) {
	app := newPlayersApp(t, otstest.New(t).DB(t))
	ctx := fn.NewContext(context.Background(), &fn.Invocation{RequestID: "req-bad", Credentials: fn.Credentials{
		AccessKeyID: "STS.unknown", AccessKeySecret: "secret", SecurityToken: "token",
	}})
	_, err := app.Invoke(ctx, fixture(t, "players-batch.json"))
	var te *store.Error
	if !errors.As(err, &te) || te.Code != "OTSAuthFailed" {
		t.Fatalf("Invoke with unknown STS credentials: %v, want OTSAuthFailed", err)
	}
}
