package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// env is the function's App over an in-memory local Tablestore, with an
// official SDK client to read the rows back.
type env struct {
	t        *testing.T
	ts       *otstest.Server
	client   *tablestore.TableStoreClient // ts.Client
	db       *store.DB
	app      *fn.App
	requests *requests // those of db
}

// newEnv starts a local Tablestore, creates the tables and the App.
func newEnv(t *testing.T) *env {
	t.Helper()
	ts := otstest.New(t)
	reqs := &requests{n: map[string]int{}}
	cfg := ts.StoreConfig()
	cfg.Transport = reqs
	db, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := createTables(context.Background(), db, DefaultConfig); err != nil {
		t.Fatal(err)
	}
	app, err := newApp(db, DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ts: ts, client: ts.Client, db: db, app: app, requests: reqs}
}

// requests counts the requests of a DB by action.
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *requests) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.n[req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]]++
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// take returns the requests counted so far and starts again.
func (r *requests) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n
	r.n = map[string]int{}
	return n
}

// invoke delivers testdata/name to the function, as FC does.
func (e *env) invoke(name string) error {
	e.t.Helper()
	_, err := e.app.Invoke(context.Background(), fixture(e.t, name))
	return err
}

// deliver invokes the fixtures in order, each expected to succeed.
func (e *env) deliver(names ...string) {
	e.t.Helper()
	for _, name := range names {
		if err := e.invoke(name); err != nil {
			e.t.Fatalf("Invoke %s: %v", name, err)
		}
	}
}

// wantOrder asserts columns of order id's row: each of want's columns
// has its value, or is absent when the value is nil.
func (e *env) wantOrder(id string, want map[string]any) {
	e.t.Helper()
	got := e.ts.Row(e.t, DefaultOrdersTable, id)
	if got == nil {
		e.t.Errorf("no order %q", id)
		return
	}
	for col, w := range want {
		if g, present := got[col]; w == nil && present || w != nil && g != w {
			e.t.Errorf("order %q: %s = %v (present %v), want %v", id, col, g, present, w)
		}
	}
}

// wantState asserts the state of each order in want.
func (e *env) wantState(want map[string]string) {
	e.t.Helper()
	for id, state := range want {
		e.wantOrder(id, map[string]any{"State": state})
	}
}

// wantCustomer asserts the counters of customer id; a missing counter is 0.
func (e *env) wantCustomer(id string, want Customer) {
	e.t.Helper()
	want.ID = id
	cols := e.ts.Row(e.t, DefaultCustomersTable, id)
	got := Customer{ID: id}
	for col, p := range map[string]*int64{"Orders": &got.Orders, "Cancelled": &got.Cancelled,
		"TotalPaid": &got.TotalPaid, "Refunded": &got.Refunded} {
		*p, _ = cols[col].(int64)
	}
	if got != want {
		e.t.Errorf("customer %q: %+v, want %+v", id, got, want)
	}
}

// snapshot prints every row of both tables, markers and cell timestamps
// included, for comparing.
func (e *env) snapshot() []string {
	e.t.Helper()
	return append(e.ts.Dump(e.t, DefaultOrdersTable), e.ts.Dump(e.t, DefaultCustomersTable)...)
}

// failures returns the failures err, an *fn.InvokeError, lists.
func failures(t *testing.T, err error) []fn.Failure {
	t.Helper()
	var ie *fn.InvokeError
	if !errors.As(err, &ie) || ie.Type != fn.ErrorMessagesFailed {
		t.Fatalf("Invoke returned %v, want an *fn.InvokeError listing failed messages", err)
	}
	return ie.Failures
}

// fixture reads testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
