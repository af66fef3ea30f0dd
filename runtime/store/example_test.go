package store_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	local "github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// A handler that counts scores: delivering the same batch twice counts
// each message once.
func Example() {
	srv, _ := local.New(local.Config{}) // a local Tablestore in memory
	endpoint, _ := srv.Start("127.0.0.1:0")
	defer srv.Close()

	db, err := store.Open(store.Config{Endpoint: endpoint, Local: true}) // the local instance and access key
	if err != nil {
		log.Fatal(err)
	}
	type Score struct {
		Player string `tablestore:"player,pk"`
		Points int64  `tablestore:"Points"`
	}
	scores, err := store.NewTable[Score](db, "scores")
	if err != nil {
		log.Fatal(err)
	}
	if err := scores.Ensure(context.Background(), store.TableOptions{}); err != nil {
		log.Fatal(err)
	}

	app := fn.New(fn.WithCommitter(db))
	app.Handle("games", "*", fn.Typed(func(ctx context.Context, s Score) error {
		return scores.Increment(ctx, Score{Player: s.Player}, "Points", s.Points)
	}))
	payload := []byte(`[
	  {"id": "e1", "specversion": "1.0", "source": "mq", "type": "mq:Topic:SendMessage",
	   "data": {"topic": "games", "msgId": "m1", "body": "{\"Player\": \"ann\", \"Points\": 5}"}},
	  {"id": "e2", "specversion": "1.0", "source": "mq", "type": "mq:Topic:SendMessage",
	   "data": {"topic": "games", "msgId": "m2", "body": "{\"Player\": \"ann\", \"Points\": 2}"}}
	]`)
	for range 2 { // a delivery, then a redelivery of the same batch
		if _, err := app.Invoke(context.Background(), payload); err != nil {
			log.Fatal(err)
		}
	}
	s, _, err := scores.Get(context.Background(), Score{Player: "ann"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Player, s.Points)
	// Output: ann 7
}

// Rows read by a column other than the primary key, through a global
// secondary index that Ensure creates with the table.
func ExampleIndex() {
	srv, _ := local.New(local.Config{})
	endpoint, _ := srv.Start("127.0.0.1:0")
	defer srv.Close()
	db, err := store.Open(store.Config{Endpoint: endpoint, Local: true})
	if err != nil {
		log.Fatal(err)
	}
	type Player struct {
		ID    string `tablestore:"id,pk"`
		Name  string `tablestore:"Name"`
		Job   string `tablestore:"Job,omitempty"` // no Job: in no index on it
		Score int64  `tablestore:"Score"`
	}
	ctx := context.Background()
	players, err := store.NewTable[Player](db, "players")
	if err != nil {
		log.Fatal(err)
	}
	byJob, err := store.NewIndex(players, "players_by_job", "Job", "Score") // key (Job, Score, id)
	if err != nil {
		log.Fatal(err)
	}
	if err := players.Ensure(ctx, store.TableOptions{}, byJob); err != nil {
		log.Fatal(err)
	}
	for _, p := range []Player{
		{ID: "p1", Name: "ann", Job: "mage", Score: 30},
		{ID: "p2", Name: "bob", Job: "tank", Score: 10},
		{ID: "p3", Name: "cid", Job: "mage", Score: 20},
		{ID: "p4", Name: "dee", Score: 50},
	} {
		if err := players.Put(ctx, p); err != nil {
			log.Fatal(err)
		}
	}
	// On the cloud the index may lag a write by milliseconds; the local
	// Tablestore updates it with the row.
	for p, err := range byJob.Scan(ctx, store.Prefix("mage")) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.Name, p.Score)
	}
	top, _, err := byJob.First(ctx, store.Range{Start: []any{"mage"}, End: []any{"mage"}, Reverse: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("best mage:", top.Name)
	// Output:
	// cid 20
	// ann 30
	// best mage: ann
}

// ExampleMarkerColumn tells a row's own columns from the DB's bookkeeping,
// and finds the marker a message's write left.
func ExampleMarkerColumn() {
	fmt.Println(store.IsBookkeeping("Name"), store.IsBookkeeping(store.MarkerColumn("7F0000010BDD2A84AEE70DA49B57ABCD")))
	fmt.Println(strings.HasPrefix(store.MarkerColumn("7F0000010BDD2A84AEE70DA49B57ABCD"), store.BookkeepingPrefix))
	// Output:
	// false true
	// true
}
