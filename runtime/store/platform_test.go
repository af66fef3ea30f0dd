package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	local "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// TestInvocationCredentials: inside an invocation, requests are signed
// with the credentials it carries (FC's STS credentials), whatever the
// DB was configured with, and follow them as they rotate.
func TestInvocationCredentials(t *testing.T) {
	e := newEnv(t)
	table[Player](t, e.db, "players")
	db, err := store.Open(store.Config{
		Endpoint: e.srv.Endpoint(), Instance: e.srv.Instance(),
		Credentials: fn.Credentials{AccessKeyID: "revoked", AccessKeySecret: "nope"},
	})
	if err != nil {
		t.Fatal(err)
	}
	players, _ := store.NewTable[Player](db, "players")
	err = players.Put(context.Background(), Player{ID: "1"})
	var se *store.Error
	if !errors.As(err, &se) || se.Code != "OTSAuthFailed" {
		t.Fatalf("Put with bad static credentials = %v, want OTSAuthFailed", err)
	}
	for i := 0; i < 2; i++ { // a rotation: new STS credentials each time
		sts := e.srv.IssueSTS(time.Hour)
		ctx := fn.NewContext(context.Background(), &fn.Invocation{RequestID: "r", Credentials: fn.Credentials{
			AccessKeyID: sts.AccessKeyID, AccessKeySecret: sts.AccessKeySecret, SecurityToken: sts.SecurityToken}})
		if err := players.Put(ctx, Player{ID: fmt.Sprint(i)}); err != nil {
			t.Fatalf("Put with the invocation's STS credentials: %v", err)
		}
	}
	if strings.Contains(fmt.Sprint(db), "nope") {
		t.Fatal("the secret prints")
	}
}

// TestDeadline: a slow service does not hold a write past the context's
// deadline, retries included.
func TestDeadline(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	e.srv.SetFaults([]local.Fault{{Action: "BatchWriteRow", Latency: 3 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := players.Put(ctx, Player{ID: "slow"})
	if err == nil {
		t.Fatal("Put succeeded past its deadline")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Put returned after %v, deadline 300ms", d)
	}
	e.srv.SetFaults([]local.Fault{{Action: "BatchWriteRow", Code: local.CodeServerBusy, Rate: 1}})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	err = players.Put(ctx2, Player{ID: "busy"})
	if se := (*store.Error)(nil); !errors.As(err, &se) || se.Code != "OTSServerBusy" {
		t.Fatalf("Put against a busy service = %v, want OTSServerBusy after retries", err)
	}
	if n := e.requests.get("BatchWriteRow"); n < 3 {
		t.Errorf("%d attempts, want retries", n)
	}
}

// TestCoalescing: an invocation's writes to distinct rows go in one
// BatchWriteRow per 200 rows.
func TestCoalescing(t *testing.T) {
	e := newEnv(t)
	players := table[Player](t, e.db, "players")
	app := fn.New(fn.WithCommitter(e.db), fn.WithConcurrency(8))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, p Player) error {
		return players.Put(ctx, p)
	}))
	var bodies []any
	for i := 0; i < 450; i++ {
		bodies = append(bodies, Player{ID: fmt.Sprint(i), Score: int64(i)})
	}
	if _, err := app.Invoke(context.Background(), batch(t, "m", bodies...)); err != nil {
		t.Fatal(err)
	}
	if n := e.requests.get("BatchWriteRow"); n != 3 {
		t.Errorf("%d BatchWriteRow requests for 450 rows, want 3", n)
	}
	if got := mustGet(t, players, Player{ID: "449"}); got.Score != 449 {
		t.Errorf("row 449 = %+v", got)
	}
}

// TestIdempotencyKey: outside an invocation, WithIdempotencyKey makes a
// repeated sequence of writes apply once.
func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	counters := table[Counter](t, e.db, "counters")
	for i := 0; i < 3; i++ {
		ctx := store.WithIdempotencyKey(context.Background(), "job-42")
		for j := 0; j < 2; j++ { // two increments per run: both count, once
			if err := counters.Increment(ctx, Counter{Name: "c"}, "N", 5); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := mustGet(t, counters, Counter{Name: "c"}); got.N != 10 {
		t.Fatalf("N = %d, want 10", got.N)
	}
	// Without a key every write applies.
	counters.Increment(context.Background(), Counter{Name: "d"}, "N", 1)
	counters.Increment(context.Background(), Counter{Name: "d"}, "N", 1)
	if got := mustGet(t, counters, Counter{Name: "d"}); got.N != 2 {
		t.Fatalf("N = %d, want 2", got.N)
	}
}

// TestExpiredMarkersRemoved: the write of a row removes the markers of
// the row older than the window, on every row (not a sample), with the
// journals that listed them; a repeat then applies again.
func TestExpiredMarkersRemoved(t *testing.T) {
	e := newEnv(t)
	db, _ := store.Open(store.Config{Endpoint: e.srv.Endpoint(), Instance: e.srv.Instance(),
		Credentials:       fn.Credentials{AccessKeyID: local.DefaultAccessKeyID, AccessKeySecret: local.DefaultAccessKeySecret},
		IdempotencyWindow: 3 * time.Hour})
	clock := time.Now()
	store.SetClock(db, func() time.Time { return clock })
	counters := table[Counter](t, db, "counters")
	increment := func(key string) {
		t.Helper()
		if err := counters.Increment(store.WithIdempotencyKey(context.Background(), key), Counter{Name: "c"}, "N", 1); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ { // at 0h, 2h and 4h: at 4h the first marker has expired
		increment(fmt.Sprint("k", i))
		clock = clock.Add(2 * time.Hour)
	}
	row := e.raw(t, "counters", "name", "c")
	if got, want := row.markers(), []string{markerOf("k1"), markerOf("k2")}; !sameSet(got, want) {
		t.Fatalf("markers %v, want those of k1 and k2 %v", got, want)
	}
	if n := len(row.journals()); n != 2 {
		t.Fatalf("%d journals (%v), want 2", n, row.journals())
	}
	increment("k2") // within the window: a repeat
	if got := mustGet(t, counters, Counter{Name: "c"}); got.N != 3 {
		t.Fatalf("N = %d after a repeat within the window, want 3", got.N)
	}
	increment("k0") // past it: k0's marker is gone, and the write applies again
	if got := mustGet(t, counters, Counter{Name: "c"}); got.N != 4 {
		t.Fatalf("N = %d after a repeat past the window, want 4", got.N)
	}
}
