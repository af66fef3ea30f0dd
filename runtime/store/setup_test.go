package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	local "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// counter counts requests by action, and passes them to inner (the
// default transport when nil), which tests set to inject faults.
type counter struct {
	mu    sync.Mutex
	n     map[string]int
	inner http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]]++
	inner := c.inner
	c.mu.Unlock()
	if inner == nil {
		inner = http.DefaultTransport
	}
	return inner.RoundTrip(r)
}

func (c *counter) get(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[action]
}

// take returns the requests counted since the last take, by action, and
// starts counting again.
func (c *counter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = map[string]int{}
	return n
}

// through makes the requests go through inner.
func (c *counter) through(inner http.RoundTripper) {
	c.mu.Lock()
	c.inner = inner
	c.mu.Unlock()
}

// env is a local Tablestore and a DB on it.
type env struct {
	srv      *local.Server
	db       *store.DB
	requests *counter
}

func newEnv(t testing.TB) *env {
	t.Helper()
	srv, err := local.New(local.Config{})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	otstest.LogFaultSeed(t, srv)
	// Before the server closes, which waits for the connections open.
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	cred := srv.Credentials()
	requests := &counter{n: map[string]int{}}
	db, err := store.Open(store.Config{
		Endpoint:    endpoint,
		Instance:    srv.Instance(),
		Credentials: fn.Credentials{AccessKeyID: cred.AccessKeyID, AccessKeySecret: cred.AccessKeySecret},
		Transport:   requests,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, db: db, requests: requests}
}

// Player is the row of the seed scenario.
type Player struct {
	ID    string `tablestore:"id,pk" json:"id"`
	Name  string `tablestore:"Name" json:"name"`
	Job   string `tablestore:"Job" json:"job"`
	Hero  string `tablestore:"Hero" json:"hero"`
	Score int64  `tablestore:"Score" json:"score"`
}

func table[T any](t testing.TB, db *store.DB, name string) *store.Table[T] {
	t.Helper()
	tb, err := store.NewTable[T](db, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Ensure(context.Background(), store.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	return tb
}

func mustGet[T any](t testing.TB, tb *store.Table[T], key T) T {
	t.Helper()
	v, ok, err := tb.Get(context.Background(), key)
	if err != nil || !ok {
		t.Fatalf("Get %+v: ok=%v err=%v", key, ok, err)
	}
	return v
}

// rawRow is a row as the SDK reads it, bookkeeping columns included.
type rawRow struct{ cols map[string]any }

// raw reads the row of table whose single primary-key column pkName
// holds pk, every column included.
func (e *env) raw(t testing.TB, table, pkName string, pk any) rawRow {
	t.Helper()
	cred := e.srv.Credentials()
	c := tablestore.NewClient(e.srv.Endpoint(), e.srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn(pkName, pk)
	resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: table, PrimaryKey: key, MaxVersion: 1}})
	if err != nil {
		t.Fatal(err)
	}
	r := rawRow{cols: map[string]any{}}
	for _, col := range resp.Columns {
		r.cols[col.ColumnName] = col.Value
	}
	return r
}

func (r rawRow) named(prefix string) []string {
	var out []string
	for name := range r.cols {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// markers are the row's idempotency markers; journals the lists of them
// by time; bookkeeping every column the package adds.
func (r rawRow) markers() []string     { return r.named("_rfn_m") }
func (r rawRow) journals() []string    { return r.named("_rfn_j") }
func (r rawRow) bookkeeping() []string { return r.named("_rfn_") }

// markerOf is the marker column of idempotency key (a message ID).
func markerOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "_rfn_m" + hex.EncodeToString(sum[:12])
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
