// Command chaosfn is the function of the stack's reliability test. For
// each message of topic "chaos", whose body is {"id": "...", "n": k}, it
// adds 1 to the N column of row counts(id) and puts row items(id) with
// K = k. The increment is not idempotent by itself: the idempotency
// markers of package store make a redelivered message change nothing.
//
// It also misbehaves on purpose (see chaos.go): an invocation may crash or
// hang past its timeout, before or after its writes are committed, as the
// seed in CHAOS_SEED and the request ID decide. A body with "poison": true
// fails every time, so that its batch ends in the dead-letter queue.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// Body is a message body.
type Body struct {
	ID     string `json:"id"`
	N      int64  `json:"n"`
	Poison bool   `json:"poison"`
}

// Count is a row of table counts: how many times message id was applied.
type Count struct {
	ID string `tablestore:"id,pk"`
	N  int64  `tablestore:"N"`
}

// Item is a row of table items: the message's k.
type Item struct {
	ID string `tablestore:"id,pk"`
	K  int64  `tablestore:"K"`
}

// errPoison fails a poison message.
var errPoison = errors.New("poison message: failing on purpose")

func main() {
	db, err := store.Open(withFaultLog(store.ConfigFromEnv(os.Getenv)))
	if err != nil {
		fail(err)
	}
	counts, err := store.NewTable[Count](db, "counts")
	if err != nil {
		fail(err)
	}
	items, err := store.NewTable[Item](db, "items")
	if err != nil {
		fail(err)
	}
	if os.Getenv("ROCKETFN_LOCAL") == "true" {
		ensure(counts, items)
	}
	app := fn.New(fn.WithCommitter(chaos{db: db, seed: os.Getenv("CHAOS_SEED")}))
	app.Handle("chaos", "*", fn.Typed(func(ctx context.Context, b Body) error {
		return handle(ctx, counts, items, b)
	}))
	fn.Start(app)
}

// handle applies one message: the increment, then the item.
func handle(ctx context.Context, counts *store.Table[Count], items *store.Table[Item], b Body) error {
	switch {
	case b.Poison:
		return errPoison
	case b.ID == "":
		return errors.New(`body: field "id" is missing`)
	}
	if err := counts.Increment(ctx, Count{ID: b.ID}, "N", 1); err != nil {
		return fmt.Errorf("increment counts(%s): %w", b.ID, err)
	}
	if err := items.Put(ctx, Item{ID: b.ID, K: b.N}); err != nil {
		return fmt.Errorf("put items(%s): %w", b.ID, err)
	}
	return nil
}

// ensure creates the tables unless they exist.
func ensure(counts *store.Table[Count], items *store.Table[Item]) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := counts.Ensure(ctx, store.TableOptions{}); err != nil {
		fail(err)
	}
	if err := items.Ensure(ctx, store.TableOptions{}); err != nil {
		fail(err)
	}
}

func fail(err error) {
	slog.Error("chaosfn: start", "error", err)
	os.Exit(1)
}
