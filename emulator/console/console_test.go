package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// TestConsoleAPI drives the console's API as its page does: a message sent
// from the form reaches a function, shows in the live view with its logs,
// a failing one lands in the dead letters and is re-driven, and the table
// browser lists a table and its rows.
func TestConsoleAPI(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(t time.Time) {
		mu.Lock()
		if t.After(now) {
			now = t
		}
		mu.Unlock()
	}
	bridge, err := eventbridge.New(eventbridge.Config{Broker: b, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	var failing atomic.Bool
	sink := eventbridge.SinkFunc(func(ctx context.Context, payload []byte, requestID string) (eventbridge.Outcome, error) {
		if failing.Load() && bytes.Contains(payload, []byte("poison")) {
			return eventbridge.Outcome{Failed: true, Reason: "poison message"}, nil
		}
		return eventbridge.Outcome{}, nil
	})
	trig := eventbridge.Trigger{Name: "t1", Function: "f1", Topic: "orders", Mode: "event-driven",
		RetryPolicy: "BACKOFF_RETRY", ErrorsTolerance: "ALL", DeadLetter: true}
	if err := bridge.Add(trig, sink); err != nil {
		t.Fatal(err)
	}
	client := otstest.New(t).Client
	makeTable(t, client)

	c := console.New(console.Services{Broker: b, Bridge: bridge, Tables: console.SDKTables{Client: client},
		Logs: func(fn, req string) []byte { return []byte("log of " + fn + " " + req) }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	srv := httptest.NewServer(c)
	defer srv.Close()

	page := get(t, srv.URL+"/", nil)
	if !strings.Contains(page, `id="send-form"`) || !strings.Contains(page, `id="deadletters"`) {
		t.Fatal("the page lacks its sections")
	}
	var sent map[string]string
	post(t, srv.URL+"/api/send", map[string]any{"topic": "orders", "tag": "created", "body": `{"id":"o1"}`, "properties": map[string]string{"k": "v"}}, &sent)
	if len(sent["messageId"]) != 32 {
		t.Fatalf("send answered %v", sent)
	}
	var invs []map[string]any
	waitFor(t, func() bool { bridge.Tick(); get(t, srv.URL+"/api/invocations", &invs); return len(invs) == 1 })
	if invs[0]["failed"] != false || invs[0]["function"] != "f1" {
		t.Fatalf("invocation = %v", invs[0])
	}
	var logs map[string]string
	get(t, srv.URL+"/api/logs?function=f1&request="+invs[0]["requestId"].(string), &logs)
	if !strings.Contains(logs["logs"], "log of f1") {
		t.Fatalf("logs = %v", logs)
	}
	if code := postStatus(t, srv.URL+"/api/send", map[string]any{"topic": "bad topic!"}); code != http.StatusBadRequest {
		t.Fatalf("a bad topic answered %d", code)
	}
	tables := []string{}
	get(t, srv.URL+"/api/tables", &tables)
	rows := []map[string]any{}
	get(t, srv.URL+"/api/tables/players?limit=10", &rows)
	if len(tables) != 1 || len(rows) != 1 || rows[0]["Name"] != "ann" {
		t.Fatalf("tables %v, rows %v", tables, rows)
	}

	// A failing message: retried, dead-lettered, listed, re-driven.
	failing.Store(true)
	post(t, srv.URL+"/api/send", map[string]any{"topic": "orders", "body": "poison"}, &sent)
	var dls []map[string]any
	waitFor(t, func() bool {
		bridge.Tick()
		if due := bridge.Due(); !due.IsZero() {
			advance(due)
		}
		get(t, srv.URL+"/api/deadletters", &dls)
		return len(dls) == 1
	})
	if dls[0]["reason"] != "poison message" || dls[0]["trigger"] != "t1" {
		t.Fatalf("dead letter = %v", dls[0])
	}
	failing.Store(false)
	var redriven map[string]int
	post(t, srv.URL+"/api/redrive", map[string]any{"trigger": "t1", "ids": []string{dls[0]["id"].(string)}}, &redriven)
	if redriven["redriven"] != 1 {
		t.Fatalf("redrive answered %v", redriven)
	}
	waitFor(t, func() bool { bridge.Tick(); get(t, srv.URL+"/api/deadletters", &dls); return len(dls) == 0 })
}

func makeTable(t *testing.T, c *tablestore.TableStoreClient) {
	meta := &tablestore.TableMeta{TableName: "players"}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	if _, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
		t.Fatal(err)
	}
	key := new(tablestore.PrimaryKey)
	key.AddPrimaryKeyColumn("id", "1001")
	ch := &tablestore.PutRowChange{TableName: "players", PrimaryKey: key}
	ch.AddColumn("Name", "ann")
	ch.AddColumn("_rfn_marker_0", int64(1))
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string, v any) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if v != nil {
		if err := json.Unmarshal(buf.Bytes(), v); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, buf.String())
		}
	}
	return buf.String()
}

func post(t *testing.T, url string, body, v any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v", url, resp.StatusCode, err)
	}
}

func postStatus(t *testing.T, url string, body any) int {
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
