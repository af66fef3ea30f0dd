package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/rocketfn/rocketfn/runtime/fn"
)

// BenchmarkCommit invokes an App whose handler increments a counter per
// message, msgs messages an invocation (1 is event-driven mode), against
// the local Tablestore in memory: every message on one row (rows=hot: a
// new row each invocation, so that rows do not grow from one to the next)
// or each on its own (rows=distinct). It reports the requests and the
// time per message.
//
//	go test -run '^$' -bench Commit -count 6 ./runtime/store/ | tee new.txt
func BenchmarkCommit(b *testing.B) {
	for _, rows := range []string{"hot", "distinct"} {
		for _, msgs := range []int{1, 10, 100} {
			if rows == "hot" && msgs == 1 {
				continue // the same as distinct
			}
			b.Run(fmt.Sprintf("rows=%s/msgs=%d", rows, msgs), func(b *testing.B) {
				benchmarkCommit(b, rows == "hot", msgs)
			})
		}
	}
}

func benchmarkCommit(b *testing.B, hot bool, msgs int) {
	e := newEnv(b)
	counters := table[Counter](b, e.db, "counters")
	app := fn.New(fn.WithCommitter(e.db))
	app.Handle("orders", "*", fn.Typed(func(ctx context.Context, c Counter) error {
		return counters.Increment(ctx, Counter{Name: c.Name}, "N", 1)
	}))
	payloads := make([][]byte, b.N)
	for i := range payloads {
		bodies := make([]any, msgs)
		for j := range bodies {
			name := fmt.Sprintf("d-%d-%d", i, j)
			if hot {
				name = fmt.Sprint("hot-", i)
			}
			bodies[j] = Counter{Name: name}
		}
		payloads[i] = batch(b, fmt.Sprint("m", i), bodies...)
	}
	before := requestsMade(e.requests)
	b.ResetTimer()
	for i := range b.N {
		if _, err := app.Invoke(context.Background(), payloads[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n := float64(b.N * msgs)
	b.ReportMetric(float64(requestsMade(e.requests)-before)/n, "requests/msg")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/msg")
}

// requestsMade is the number of requests c has counted.
func requestsMade(c *counter) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for _, n := range c.n {
		total += n
	}
	return total
}
