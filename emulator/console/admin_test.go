package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// adminEnv is a console over a broker and a bridge on a fake clock, with
// a trigger on MQ_INST_1/orders that records the bodies it gets.
type adminEnv struct {
	t      *testing.T
	url    string
	b      *broker.Broker
	bridge *eventbridge.Bridge
	now    time.Time

	mu     sync.Mutex
	bodies []string
}

func newAdminEnv(t *testing.T) *adminEnv {
	e := &adminEnv{t: t, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	b, err := broker.Open(broker.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	bridge, err := eventbridge.New(eventbridge.Config{Broker: b, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	sink := eventbridge.SinkFunc(func(_ context.Context, payload []byte, _ string) (eventbridge.Outcome, error) {
		var ev struct{ Data struct{ Body string } }
		if err := json.Unmarshal(payload, &ev); err != nil {
			t.Errorf("payload %s: %v", payload, err)
		}
		e.mu.Lock()
		e.bodies = append(e.bodies, ev.Data.Body)
		e.mu.Unlock()
		return eventbridge.Outcome{}, nil
	})
	if err := bridge.Add(eventbridge.Trigger{Name: "t1", Function: "f1", Instance: "MQ_INST_1", Topic: "orders", Mode: eventbridge.ModeEventDriven}, sink); err != nil {
		t.Fatal(err)
	}
	c := console.New(console.Services{Broker: b, Bridge: bridge, Instances: []string{"MQ_INST_2"}})
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	e.url, e.b, e.bridge = srv.URL, b, bridge
	return e
}

func (e *adminEnv) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

func (e *adminEnv) delivered() []string {
	e.bridge.Tick()
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.bodies...)
}

// call posts body (GET when nil) and decodes the answer into v, returning
// the status and the error message of a failed request.
func (e *adminEnv) call(path string, body, v any) (int, string) {
	e.t.Helper()
	var resp *http.Response
	var err error
	if body == nil {
		resp, err = http.Get(e.url + path)
	} else {
		b, _ := json.Marshal(body)
		resp, err = http.Post(e.url+path, "application/json", bytes.NewReader(b))
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var f struct{ Error string }
		json.Unmarshal(data, &f)
		return resp.StatusCode, f.Error
	}
	if err := json.Unmarshal(data, v); err != nil {
		e.t.Fatalf("%s: %v: %s", path, err, data)
	}
	return resp.StatusCode, ""
}

func (e *adminEnv) backlog(query string) map[string]console.Backlog {
	e.t.Helper()
	var bls []console.Backlog
	if code, msg := e.call("/api/backlog"+query, nil, &bls); code != http.StatusOK {
		e.t.Fatalf("backlog: %d %s", code, msg)
	}
	out := map[string]console.Backlog{}
	for _, bl := range bls {
		out[bl.Instance+"/"+bl.Topic+"/"+bl.Group] = bl
	}
	return out
}

// TestSendDefaultsToTheTriggersInstance: a message sent from the form
// without an instance goes to the instance of the trigger on its topic and
// is delivered; with an instance it goes there; a topic consumed from two
// instances needs one.
func TestSendDefaultsToTheTriggersInstance(t *testing.T) {
	e := newAdminEnv(t)
	var sent map[string]string
	if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": "no-instance"}, &sent); code != http.StatusOK {
		t.Fatalf("send: %d %s", code, msg)
	}
	if got := e.delivered(); len(got) != 1 || got[0] != "no-instance" {
		t.Fatalf("delivered %q, want the message sent without an instance", got)
	}
	if topics, _ := e.b.Topics(""); len(topics) != 0 {
		t.Errorf("the default instance got topics %q", topics)
	}
	if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "instance": "MQ_INST_2", "body": "elsewhere"}, &sent); code != http.StatusOK {
		t.Fatalf("send with an instance: %d %s", code, msg)
	}
	if got := e.delivered(); len(got) != 1 {
		t.Errorf("a message to another instance reached the trigger: %q", got)
	}
	if topics, _ := e.b.Topics("MQ_INST_2"); len(topics) != 1 || topics[0] != "orders" {
		t.Errorf("MQ_INST_2 topics %q, want the message's", topics)
	}

	if err := e.bridge.Add(eventbridge.Trigger{Name: "t2", Function: "f1", Instance: "MQ_INST_3", Topic: "orders"}, eventbridge.SinkFunc(
		func(context.Context, []byte, string) (eventbridge.Outcome, error) { return eventbridge.Outcome{}, nil })); err != nil {
		t.Fatal(err)
	}
	code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": "which?"}, &sent)
	if code != http.StatusBadRequest || !strings.Contains(msg, "MQ_INST_1") || !strings.Contains(msg, "MQ_INST_3") {
		t.Errorf("send to a topic of two instances without one: %d %q, want 400 naming both", code, msg)
	}
}

// TestBacklogAndResetOffset drives /api/backlog and /api/reset-offset as
// the page and `rocketfn mq` do.
func TestBacklogAndResetOffset(t *testing.T) {
	e := newAdminEnv(t)
	var sent map[string]string
	for _, body := range []string{"a", "b", "c"} {
		if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": body}, &sent); code != http.StatusOK {
			t.Fatalf("send: %d %s", code, msg)
		}
		e.advance(time.Minute)
	}
	if got := e.delivered(); len(got) != 3 {
		t.Fatalf("delivered %q", got)
	}
	// A group of a declared instance with one message in flight.
	if _, err := e.b.Publish(t.Context(), broker.Message{Instance: "MQ_INST_2", Topic: "audit", Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if ds, err := e.b.Consume(t.Context(), broker.ConsumeRequest{Instance: "MQ_INST_2", Topic: "audit", Group: "GID_audit", Max: 1}); err != nil || len(ds) != 1 {
		t.Fatalf("consume: %v, %v", ds, err)
	}

	bl := e.backlog("")
	trig, audit := bl["MQ_INST_1/orders/GID_f1_t1"], bl["MQ_INST_2/audit/GID_audit"]
	if len(bl) != 2 || trig.Ready != 0 || trig.InFlight != 0 || trig.Retained != 3 || trig.Oldest != nil {
		t.Errorf("backlog %+v, want the trigger's group done with its 3 messages", bl)
	}
	if audit.InFlight != 1 || audit.Ready != 0 || audit.Oldest == nil {
		t.Errorf("audit backlog %+v, want one in flight", audit)
	}
	if only := e.backlog("?instance=MQ_INST_2"); len(only) != 1 || only["MQ_INST_2/audit/GID_audit"].InFlight != 1 {
		t.Errorf("backlog of MQ_INST_2: %+v", only)
	}

	reset := func(to string) console.ResetResult {
		t.Helper()
		var res console.ResetResult
		if code, msg := e.call("/api/reset-offset", console.ResetRequest{Instance: "MQ_INST_1", Topic: "orders", Group: "GID_f1_t1", To: to}, &res); code != http.StatusOK {
			t.Fatalf("reset to %s: %d %s", to, code, msg)
		}
		return res
	}
	if res := reset("earliest"); res.Pending != 3 || res.To != "earliest" {
		t.Errorf("reset to earliest: %+v, want 3 pending", res)
	}
	bl = e.backlog("?instance=MQ_INST_1")
	if got := bl["MQ_INST_1/orders/GID_f1_t1"]; got.Ready != 3 || got.Oldest == nil || !got.Oldest.Equal(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("backlog after the reset: %+v, want 3 ready, the oldest published at 12:00", got)
	}
	if res := reset("2026-05-01T12:01:00Z"); res.Pending != 2 {
		t.Errorf("reset to 12:01: %+v, want the 2 messages from then", res)
	}
	if got := e.delivered(); len(got) != 5 || got[3] != "b" || got[4] != "c" {
		t.Errorf("delivered %q after the reset, want b and c again", got)
	}
	if res := reset("latest"); res.Pending != 0 {
		t.Errorf("reset to latest: %+v", res)
	}

	for _, c := range []struct {
		body any
		code int
		want []string
	}{
		{console.ResetRequest{Instance: "MQ_INST_1", Topic: "orders", Group: "GID_f1_t1", To: "yesterday"}, 400, []string{`"yesterday"`, "earliest, latest or an RFC 3339 time"}},
		{console.ResetRequest{Topic: "orders", To: "earliest"}, 400, []string{"group missing"}},
		{console.ResetRequest{Instance: "MQ_INST_1", Topic: "orders", Group: "GID_nobody", To: "earliest"}, 404, []string{"GID_nobody", "orders"}},
		{console.ResetRequest{Instance: "MQ_INST_1", Topic: "no-such-topic", Group: "GID_f1_t1", To: "earliest"}, 404, []string{"no-such-topic"}},
		{"not an object", 400, []string{"want {"}},
	} {
		var res console.ResetResult
		code, msg := e.call("/api/reset-offset", c.body, &res)
		if code != c.code {
			t.Errorf("reset %+v: %d %q, want %d", c.body, code, msg, c.code)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("reset %+v: %q, want it to name %s", c.body, msg, w)
			}
		}
	}
	if code, msg := e.call("/api/backlog?instance=bad/instance", nil, nil); code != http.StatusBadRequest || !strings.Contains(msg, "bad/instance") {
		t.Errorf("backlog of a bad instance: %d %q", code, msg)
	}
}

// TestAdminOnlyOnLoopback: the admin API refuses clients elsewhere.
func TestAdminOnlyOnLoopback(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := console.NewAdmin(b, nil)
	for remote, want := range map[string]int{"192.0.2.7:5000": http.StatusForbidden, "127.0.0.1:5000": http.StatusOK, "[::1]:5000": http.StatusOK} {
		r := httptest.NewRequest("GET", "/api/backlog", nil)
		r.RemoteAddr, r.Host = remote, "127.0.0.1:8080"
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("from %s: %d %s, want %d", remote, w.Code, w.Body, want)
		}
	}
}

// TestAdminRefusesWebPages: a page's DNS rebinding (a Host that is a name
// other than localhost) and a cross-origin reset are refused.
func TestAdminRefusesWebPages(t *testing.T) {
	b, err := broker.Open(broker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a := console.NewAdmin(b, nil)
	for _, tc := range []struct {
		name, method, host string
		hdr                map[string]string
		want               int
	}{
		{"localhost", "GET", "localhost:8080", nil, http.StatusOK},
		{"IPv6", "GET", "[::1]:8080", nil, http.StatusOK},
		{"rebinding", "GET", "evil.example:8080", nil, http.StatusMisdirectedRequest},
		{"cross-origin reset", "POST", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"same-site reset", "POST", "127.0.0.1:8080", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:9999"}, http.StatusForbidden},
	} {
		path := "/api/backlog"
		if tc.method == "POST" {
			path = "/api/reset-offset"
		}
		r := httptest.NewRequest(tc.method, path, strings.NewReader(`{"topic":"t","group":"GID_g","to":"earliest"}`))
		r.RemoteAddr, r.Host = "127.0.0.1:5000", tc.host
		for k, v := range tc.hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.want)
		}
	}
}

// TestBacklogListsUndeclaredInstances: groups in an instance nobody
// declared (a lenient broker creates it on first use) are in the backlog.
func TestBacklogListsUndeclaredInstances(t *testing.T) {
	e := newAdminEnv(t)
	if _, err := e.b.Publish(context.Background(), broker.Message{Instance: "MQ_INST_9", Topic: "misc", Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.Subscribe("MQ_INST_9", "misc", "GID_misc", broker.Position{}); err != nil {
		t.Fatal(err)
	}
	bl, ok := e.backlog("")["MQ_INST_9/misc/GID_misc"]
	if !ok || bl.Ready != 1 {
		t.Fatalf("backlog of MQ_INST_9/misc/GID_misc: %+v, %v", bl, ok)
	}
}
