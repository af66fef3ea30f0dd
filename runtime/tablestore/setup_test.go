package tablestore_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	local "github.com/rocketfn/rocketfn/emulator/tablestore"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/tablestore"
)

// counter counts requests by action.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *counter) get(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[action]
}

// env is a local Tablestore and a DB on it.
type env struct {
	srv      *local.Server
	db       *tablestore.DB
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
	cred := srv.Credentials()
	requests := &counter{n: map[string]int{}}
	db, err := tablestore.Open(tablestore.Config{
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

func table[T any](t testing.TB, db *tablestore.DB, name string) *tablestore.Table[T] {
	t.Helper()
	tb, err := tablestore.NewTable[T](db, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Ensure(context.Background(), tablestore.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	return tb
}

func mustGet[T any](t testing.TB, tb *tablestore.Table[T], key T) T {
	t.Helper()
	v, ok, err := tb.Get(context.Background(), key)
	if err != nil || !ok {
		t.Fatalf("Get %+v: ok=%v err=%v", key, ok, err)
	}
	return v
}
