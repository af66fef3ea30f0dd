package otstest_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/internal/failtest"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Score has a primary key of two columns, a string and an integer.
type Score struct {
	Player string `tablestore:"player,pk"`
	Round  int64  `tablestore:"round,pk"`
	Points int64  `tablestore:"Points"`
}

// TestRowsLeaveOutBookkeeping writes rows idempotently, as an App's
// committer does for a message, so that they carry runtime/store's
// bookkeeping columns, and reads them back: Row and Rows return the
// primary key and the columns written, nothing else; Dump shows all.
func TestRowsLeaveOutBookkeeping(t *testing.T) {
	ts := otstest.New(t)
	db := ts.DB(t)
	scores, err := store.NewTable[Score](db, "scores")
	if err != nil {
		t.Fatal(err)
	}
	if err := scores.Ensure(context.Background(), store.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	app := fn.New(fn.WithCommitter(db))
	app.Handle("scores", "*", fn.Typed(func(ctx context.Context, s Score) error { return scores.Put(ctx, s) }))
	payload := `[` + message("m1", `{\"Player\":\"ann\",\"Round\":2,\"Points\":30}`) + `,` +
		message("m2", `{\"Player\":\"ann\",\"Round\":1,\"Points\":10}`) + `]`
	if _, err := app.Invoke(context.Background(), []byte(payload)); err != nil {
		t.Fatalf("Invoke: %v", err)
	}

	dump := strings.Join(ts.Dump(t, "scores"), "\n")
	if !strings.Contains(dump, store.BookkeepingPrefix) {
		t.Fatalf("the rows carry no bookkeeping column, so the test checks nothing:\n%s", dump)
	}
	want := []map[string]any{
		{"player": "ann", "round": int64(1), "Points": int64(10)},
		{"player": "ann", "round": int64(2), "Points": int64(30)},
	}
	if got := ts.Rows(t, "scores"); !reflect.DeepEqual(got, want) {
		t.Errorf("Rows = %v, want %v", got, want)
	}
	if got := ts.Row(t, "scores", "ann", 2); !reflect.DeepEqual(got, want[1]) {
		t.Errorf("Row(ann, 2) = %v, want %v", got, want[1])
	}
	if got := ts.Row(t, "scores", "ann", 3); got != nil {
		t.Errorf("Row(ann, 3) = %v, want nil: there is no such row", got)
	}
}

// message is an element of an event-streaming payload carrying body (a
// JSON string's contents) with message ID id on topic scores.
func message(id, body string) string {
	return `{"specversion":"1.0","id":"ce-` + id + `","source":"test","type":"mq:Topic:SendMessage",` +
		`"data":{"topic":"scores","systemProperties":{"UNIQ_KEY":"` + id + `"},"body":"` + body + `"}}`
}

// TestDumpShowsRewrites checks that Dump tells a rewrite of the same
// values apart, by the cell timestamps, and that it sees every row.
func TestDumpShowsRewrites(t *testing.T) {
	ts := otstest.New(t)
	createTable(t, ts.Client, "players")
	put(t, ts.Client, "players", "1001", "alice")
	before := ts.Dump(t, "players")
	if len(before) != 1 || !strings.HasPrefix(before[0], "players id=1001 Name=alice@") {
		t.Fatalf("Dump = %q, want one row of 1001", before)
	}
	if again := ts.Dump(t, "players"); !slices.Equal(before, again) {
		t.Errorf("two dumps without a write differ: %q, %q", before, again)
	}
	for range 100 { // rewrites until the server's millisecond clock has moved
		put(t, ts.Client, "players", "1001", "alice")
		if after := ts.Dump(t, "players"); !slices.Equal(before, after) {
			return
		}
	}
	t.Errorf("Dump is %q after 100 rewrites of the row, as before them", before)
}

// TestConfigAndEnv checks that StoreConfig, Env and STS let runtime/store
// reach and sign for the server, and that a server with its own key
// refuses the default one that local mode signs with.
func TestConfigAndEnv(t *testing.T) {
	ts := otstest.NewWithConfig(t, ots.Config{AccessKeyID: "own", AccessKeySecret: "own-secret"})
	if ts.Credentials.AccessKeyID != "own" || ts.Instance != ots.DefaultInstance || !strings.HasPrefix(ts.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("server %s instance %s key %s, want a loopback endpoint, the default instance, key own", ts.Endpoint, ts.Instance, ts.Credentials.AccessKeyID)
	}
	if cfg := ts.StoreConfig(); !cfg.Local || cfg.Endpoint != ts.Endpoint {
		t.Errorf("StoreConfig = %+v, want local mode on %s", cfg, ts.Endpoint)
	}
	createTable(t, ts.Client, "players")

	env := ts.Env()
	local := store.ConfigFromEnv(func(k string) string {
		if k == "ROCKETFN_LOCAL" {
			return "true"
		}
		return env[k]
	})
	db, err := store.Open(local)
	if err != nil {
		t.Fatalf("open a DB from Env: %v", err)
	}
	players, err := store.NewTable[struct {
		ID string `tablestore:"id,pk"`
	}](db, "players")
	if err != nil {
		t.Fatal(err)
	}
	var se *store.Error
	if err := players.Ensure(context.Background(), store.TableOptions{}); !errors.As(err, &se) || se.Code != "OTSAuthFailed" {
		t.Errorf("a DB of Env in local mode signed with the default key: %v, want OTSAuthFailed", err)
	}
	sts := fn.NewContext(context.Background(), &fn.Invocation{RequestID: "r1", Credentials: ts.STS()})
	if err := players.Ensure(sts, store.TableOptions{}); err != nil {
		t.Errorf("the same DB in an invocation carrying STS credentials: %v", err)
	}
}

func createTable(t *testing.T, client *tablestore.TableStoreClient, table string) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: table}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	if _, err := client.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta,
		TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
		t.Fatalf("create table %s: %v", table, err)
	}
}

func put(t *testing.T, client *tablestore.TableStoreClient, table, id, name string) {
	t.Helper()
	change := &tablestore.PutRowChange{TableName: table, PrimaryKey: new(tablestore.PrimaryKey)}
	change.PrimaryKey.AddPrimaryKeyColumn("id", id)
	change.AddColumn("Name", name)
	change.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: change}); err != nil {
		t.Fatalf("put row %s: %v", id, err)
	}
}

// TestFailures checks that the readers fail the test naming what went
// wrong: a missing table, a primary key of the wrong length or type.
func TestFailures(t *testing.T) {
	ts := otstest.New(t)
	createTable(t, ts.Client, "players")
	for _, tc := range []struct {
		read func(testing.TB)
		want []string
	}{
		{func(t testing.TB) { ts.Rows(t, "missing") }, []string{"DescribeTable missing", "OTSObjectNotExist"}},
		{func(t testing.TB) { ts.Dump(t, "missing") }, []string{"DescribeTable missing"}},
		{func(t testing.TB) { ts.Row(t, "players", "1001", 2) }, []string{"row of players: 2 primary-key values", "[id]"}},
		{func(t testing.TB) { ts.Row(t, "players", 1.5) }, []string{"primary-key column id", "a float64 (1.5)"}},
	} {
		failtest.Want(t, failtest.Run(t, tc.read), tc.want...)
	}
}

// failedTB is a failed test that keeps its cleanups and log lines.
type failedTB struct {
	testing.TB
	cleanups []func()
	logs     []string
}

func (f *failedTB) Failed() bool            { return true }
func (f *failedTB) Cleanup(fn func())       { f.cleanups = append(f.cleanups, fn) }
func (f *failedTB) Logf(s string, a ...any) { f.logs = append(f.logs, fmt.Sprintf(s, a...)) }

// TestLogFaultSeed: a failed test logs the seed that replays its faults.
func TestLogFaultSeed(t *testing.T) {
	srv, err := ots.New(ots.Config{FaultSeed: 4242})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tb := &failedTB{TB: t}
	otstest.LogFaultSeed(tb, srv)
	for _, c := range tb.cleanups {
		c()
	}
	if len(tb.logs) != 1 || !strings.Contains(tb.logs[0], "4242") || !strings.Contains(tb.logs[0], ots.FaultSeedEnv+"=4242") {
		t.Fatalf("logs = %q, want the seed 4242 and %s=4242", tb.logs, ots.FaultSeedEnv)
	}
}
