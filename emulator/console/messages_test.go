package console_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// TestMessageSearch: /api/messages finds retained messages by ID, key,
// tag and publish time, in one topic or all, newest first, with the
// protocol they were published over and their groups' progress.
func TestMessageSearch(t *testing.T) {
	e := newAdminEnv(t)
	start := e.now
	send := func(body, tag, keys string) string {
		t.Helper()
		var sent map[string]string
		if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "tag": tag, "keys": keys, "body": body}, &sent); code != http.StatusOK {
			t.Fatalf("send: %d %s", code, msg)
		}
		e.advance(time.Minute)
		return sent["messageId"]
	}
	first := send(`{"id":"o1"}`, "created", "order-1 user-7")
	send("plain text", "paid", "order-2")
	send(`{"id":"o3"}`, "created", "order-3 user-7")
	e.delivered()
	if _, err := e.b.Publish(context.Background(), broker.Message{Instance: "MQ_INST_2", Topic: "audit", Body: []byte("x"), Keys: "user-7",
		Protocol: broker.ProtocolRemoting}); err != nil {
		t.Fatal(err)
	}

	type found struct {
		Messages []struct {
			ID, Instance, Topic, Tag, Keys, Body, Protocol string
			BodyJSON                                       json.RawMessage
			Groups                                         []struct{ Group, State, Trigger, Function string }
		}
		Truncated bool
		Topics    int
	}
	search := func(query string) found {
		t.Helper()
		var f found
		if code, msg := e.call("/api/messages"+query, nil, &f); code != http.StatusOK {
			t.Fatalf("search %s: %d %s", query, code, msg)
		}
		return f
	}
	bodies := func(f found) []string {
		var out []string
		for _, m := range f.Messages {
			out = append(out, m.Body)
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?id=" + first, []string{`{"id":"o1"}`}},
		{"?key=user-7", []string{"x", `{"id":"o3"}`, `{"id":"o1"}`}},
		{"?key=user-7&instance=MQ_INST_1&topic=orders", []string{`{"id":"o3"}`, `{"id":"o1"}`}},
		{"?tag=paid", []string{"plain text"}},
		{"?instance=MQ_INST_1&from=" + start.Add(time.Minute).Format(time.RFC3339) + "&to=" + start.Add(2*time.Minute).Format(time.RFC3339), []string{"plain text"}},
		{"?instance=MQ_INST_1&limit=2", []string{`{"id":"o3"}`, "plain text"}},
		{"?key=nobody", nil},
	} {
		if got := bodies(search(tc.query)); !slices.Equal(got, tc.want) {
			t.Errorf("search %s: %q, want %q", tc.query, got, tc.want)
		}
	}
	f := search("?id=" + first)
	m := f.Messages[0]
	if m.Protocol != broker.ProtocolConsole || m.Instance != "MQ_INST_1" || m.Keys != "order-1 user-7" || string(m.BodyJSON) != `{"id":"o1"}` {
		t.Errorf("found %+v", m)
	}
	if len(m.Groups) != 1 || m.Groups[0].Group != "GID_f1_t1" || m.Groups[0].State != "done" || m.Groups[0].Trigger != "t1" || m.Groups[0].Function != "f1" {
		t.Errorf("groups %+v, want the trigger's group done", m.Groups)
	}
	if f := search("?instance=MQ_INST_1&limit=2"); !f.Truncated {
		t.Error("a search cut at its limit is not marked truncated")
	}
	if f := search("?key=user-7"); f.Messages[0].Protocol != broker.ProtocolRemoting || f.Topics < 2 {
		t.Errorf("search over every instance: %+v", f)
	}
	if code, msg := e.call("/api/messages?from=yesterday", nil, nil); code != http.StatusBadRequest || !strings.Contains(msg, "RFC 3339") {
		t.Errorf("a bad time: %d %q", code, msg)
	}
}

// TestJourney: /api/messages/{id} tells what became of a message: its
// publication over the console with its group's progress, every attempt
// with its logs, the dead letter, the redrive and the Tablestore rows
// that carry its idempotency markers, in both marker forms.
func TestJourney(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var mu sync.Mutex
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(to time.Time) {
		mu.Lock()
		if to.After(now) {
			now = to
		}
		mu.Unlock()
	}
	bridge, err := eventbridge.New(eventbridge.Config{Broker: b, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	var failing atomic.Bool
	failing.Store(true)
	sink := eventbridge.SinkFunc(func(context.Context, []byte, string) (eventbridge.Outcome, error) {
		if failing.Load() {
			return eventbridge.Outcome{Failed: true, Reason: `Unhandled: {"errorMessage":"no"}`}, nil
		}
		return eventbridge.Outcome{}, nil
	})
	if err := bridge.Add(eventbridge.Trigger{Name: "t1", Function: "f1", Topic: "orders", Mode: eventbridge.ModeEventDriven,
		ErrorsTolerance: eventbridge.ToleranceAll, DeadLetter: true}, sink); err != nil {
		t.Fatal(err)
	}
	client := otstest.New(t).Client
	makeTable(t, client)

	c := console.New(console.Services{Broker: b, Bridge: bridge, Tables: console.SDKTables{Client: client}, Clock: clock,
		Logs: func(fn, req string) []byte { return []byte("log of " + req) }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	srv := httptest.NewServer(c)
	defer srv.Close()

	var sent map[string]string
	post(t, srv.URL+"/api/send", map[string]any{"topic": "orders", "tag": "created", "body": `{"id":"o1"}`}, &sent)
	id := sent["messageId"]
	// The function's writes: one row with a counting marker, one with a
	// timed one, one with another message's marker.
	hash := func(id string) string { sum := sha256.Sum256([]byte(id)); return hex.EncodeToString(sum[:12]) }
	putRow(t, client, "o1", "_rfn_m"+hash(id), 1)
	wrote := clock()
	putRow(t, client, "o2", "_rfn_"+hash(id)+"_0", wrote.UnixMilli())
	putRow(t, client, "o3", "_rfn_m"+hash("someone else"), 1)

	var invs []map[string]any
	waitFor(t, func() bool {
		bridge.Tick()
		advance(bridge.Due())
		var dls []map[string]any
		get(t, srv.URL+"/api/deadletters", &dls)
		return len(dls) == 1
	})
	failing.Store(false)
	var dls []map[string]any
	get(t, srv.URL+"/api/deadletters", &dls)
	post(t, srv.URL+"/api/redrive", map[string]any{"trigger": "t1", "ids": []string{dls[0]["id"].(string)}}, &map[string]int{})
	waitFor(t, func() bool { bridge.Tick(); get(t, srv.URL+"/api/invocations", &invs); return len(invs) == 5 })

	var j struct {
		MessageID string
		Published []struct {
			ID, Topic, Protocol string
			Groups              []struct{ Group, State, Trigger string }
		}
		Invocations []struct {
			Attempt int
			Failed  bool
			Reason  string
			Logs    string
		}
		DeadLetters []map[string]any
		Redrives    []struct {
			Trigger    string
			MessageIDs []string
		}
		Rows []struct {
			Table     string
			Row       map[string]any
			Markers   []string
			WrittenAt []time.Time
			Writes    int
		}
		Notes []string
	}
	get(t, srv.URL+"/api/messages/"+strings.ToLower(id), &j)
	if len(j.Published) != 1 || j.Published[0].ID != id || j.Published[0].Protocol != broker.ProtocolConsole ||
		len(j.Published[0].Groups) != 1 || j.Published[0].Groups[0].Trigger != "t1" {
		t.Errorf("published %+v", j.Published)
	}
	var attempts []int
	for _, inv := range j.Invocations {
		attempts = append(attempts, inv.Attempt)
		if !strings.HasPrefix(inv.Logs, "log of ") {
			t.Errorf("invocation logs %q", inv.Logs)
		}
	}
	if !slices.Equal(attempts, []int{1, 2, 3, 4, 1}) || !j.Invocations[0].Failed || j.Invocations[4].Failed {
		t.Errorf("invocations %+v, want 4 failed attempts then the redriven success", j.Invocations)
	}
	if len(j.DeadLetters) != 0 {
		t.Errorf("dead letters %v after the redrive", j.DeadLetters)
	}
	if len(j.Redrives) != 1 || j.Redrives[0].Trigger != "t1" || !slices.Equal(j.Redrives[0].MessageIDs, []string{id}) {
		t.Errorf("redrives %+v", j.Redrives)
	}
	rows := map[string]int{}
	for _, r := range j.Rows {
		rows[r.Row["id"].(string)] = len(r.Markers)
		if _, leaked := r.Row[r.Markers[0]]; leaked || r.Table != "players" {
			t.Errorf("row %+v shows its marker or has the wrong table", r)
		}
		if r.Row["id"] == "o2" && (len(r.WrittenAt) != 1 || !r.WrittenAt[0].Equal(wrote)) {
			t.Errorf("timed marker row %+v, want written at %s", r, wrote)
		}
		if r.Row["id"] == "o1" && r.Writes != 1 {
			t.Errorf("counting marker row %+v, want 1 write", r)
		}
	}
	if len(rows) != 2 || rows["o1"] != 1 || rows["o2"] != 1 {
		t.Errorf("rows %v, want o1 and o2 (o3 is another message's)", rows)
	}

	// A dead letter's event is JSON beside its text.
	failing.Store(true)
	post(t, srv.URL+"/api/send", map[string]any{"topic": "orders", "body": `{"id":"o9"}`}, &sent)
	waitFor(t, func() bool {
		bridge.Tick()
		advance(bridge.Due())
		get(t, srv.URL+"/api/deadletters", &dls)
		return len(dls) == 1
	})
	ev, ok := dls[0]["event"].(map[string]any)
	if !ok || ev["data"].(map[string]any)["body"] != `{"id":"o9"}` || dls[0]["function"] != "f1" {
		t.Errorf("dead letter %v, want its event as JSON", dls[0])
	}
}

func putRow(t *testing.T, c *tablestore.TableStoreClient, id, marker string, v int64) {
	t.Helper()
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", id)
	ch := &tablestore.PutRowChange{TableName: "players", PrimaryKey: key}
	ch.AddColumn("Name", "n-"+id)
	ch.AddColumn(marker, v)
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatal(err)
	}
}
