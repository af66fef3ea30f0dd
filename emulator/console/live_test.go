package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/emulator/console"
	"github.com/rocketfn/rocketfn/emulator/internal/httpserve"
)

// event is one Server-Sent Event.
type event struct{ name, data string }

// readEvents parses a stream of Server-Sent Events until it ends.
func readEvents(body io.Reader) <-chan event {
	out := make(chan event, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		sc.Buffer(nil, 1<<20)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					out <- ev
				}
				ev = event{}
			case strings.HasPrefix(line, "event: "):
				ev.name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				ev.data += line[len("data: "):]
			}
		}
	}()
	return out
}

// next returns the next event called name, skipping others, within 10 s.
func next(t *testing.T, evs <-chan event, name string, match func(string) bool) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				t.Fatalf("the stream ended before a %s event", name)
			}
			if ev.name == name && (match == nil || match(ev.data)) {
				return ev.data
			}
		case <-deadline:
			t.Fatalf("no %s event within 10 s", name)
		}
	}
}

// TestLiveStream: /api/events sends the latest invocations and every
// view at once, then each new invocation and each view that changes: a
// message sent shows as an invocation and moves the metrics, a pause
// changes the triggers; the stream ends when the console stops.
func TestLiveStream(t *testing.T) {
	e := newAdminEnv(t)
	var buildsMu sync.Mutex
	builds := []console.Build{{Function: "f1", OK: true, Generation: 1}}
	c := console.New(console.Services{Broker: e.b, Bridge: e.bridge, Clock: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now },
		Builds: func() []console.Build { buildsMu.Lock(); defer buildsMu.Unlock(); return slices.Clone(builds) }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	srv := httptest.NewServer(c)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	evs := readEvents(resp.Body)
	if got := next(t, evs, "invocations", nil); got != "[]" {
		t.Errorf("first invocations = %s, want none", got)
	}
	for _, name := range []string{"topics", "triggers", "deadletters", "metrics"} {
		next(t, evs, name, nil)
	}
	next(t, evs, "builds", func(d string) bool { return strings.Contains(d, `"function":"f1","ok":true`) })
	buildsMu.Lock()
	builds = []console.Build{{Function: "f1", Error: "./main.go:3:1: syntax error", Generation: 1}}
	buildsMu.Unlock()
	next(t, evs, "builds", func(d string) bool { return strings.Contains(d, `"ok":false,"error":"./main.go:3:1: syntax error"`) })
	var got []console.Build
	if r, err := http.Get(srv.URL + "/api/builds"); err != nil {
		t.Fatal(err)
	} else if err := json.NewDecoder(r.Body).Decode(&got); err != nil || len(got) != 1 || got[0].OK || got[0].Error == "" {
		t.Errorf("/api/builds = %+v (%v), want f1's failed build", got, err)
	}

	var sent map[string]string
	if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": "live"}, &sent); code != http.StatusOK {
		t.Fatalf("send: %d %s", code, msg)
	}
	e.delivered()
	var inv struct {
		Function   string
		MessageIDs []string
	}
	if err := json.Unmarshal([]byte(next(t, evs, "invocation", nil)), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Function != "f1" || len(inv.MessageIDs) != 1 || inv.MessageIDs[0] != sent["messageId"] {
		t.Errorf("invocation event %+v, want f1 with message %s", inv, sent["messageId"])
	}
	next(t, evs, "metrics", func(d string) bool { return strings.Contains(d, `"invocations":1,`) })

	if code, msg := e.call("/api/triggers/t1/pause", map[string]any{}, &map[string]any{}); code != http.StatusOK {
		t.Fatalf("pause: %d %s", code, msg)
	}
	next(t, evs, "triggers", func(d string) bool { return strings.Contains(d, `"state":"paused"`) })

	cancel() // the console stops: the stream ends
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-evs:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the stream did not end with the console")
		}
	}
}

// TestTriggersPauseResume: /api/triggers shows each trigger's state and
// counters; pause and resume change it, and the bridge follows.
func TestTriggersPauseResume(t *testing.T) {
	e := newAdminEnv(t)
	state := func() string {
		t.Helper()
		var ts []struct {
			Name, Function, Instance, Topic, Group, State string
			Stats                                         struct{ Delivered int }
		}
		if code, msg := e.call("/api/triggers", nil, &ts); code != http.StatusOK || len(ts) != 1 {
			t.Fatalf("triggers: %d %s %v", code, msg, ts)
		}
		if tr := ts[0]; tr.Name != "t1" || tr.Function != "f1" || tr.Instance != "MQ_INST_1" || tr.Topic != "orders" || tr.Group != "GID_f1_t1" {
			t.Errorf("trigger %+v", tr)
		}
		return ts[0].State
	}
	if s := state(); s != "running" {
		t.Fatalf("state %q, want running", s)
	}
	var tv struct{ State string }
	if code, msg := e.call("/api/triggers/t1/pause", map[string]any{}, &tv); code != http.StatusOK || tv.State != "paused" {
		t.Fatalf("pause: %d %s %+v", code, msg, tv)
	}
	if s := state(); s != "paused" || !e.bridge.Paused("t1") {
		t.Errorf("after pause: state %q, bridge paused %v", s, e.bridge.Paused("t1"))
	}
	if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": "held"}, &map[string]string{}); code != http.StatusOK {
		t.Fatalf("send: %d %s", code, msg)
	}
	if got := e.delivered(); len(got) != 0 {
		t.Errorf("a paused trigger delivered %q", got)
	}
	if code, msg := e.call("/api/triggers/t1/resume", map[string]any{}, &tv); code != http.StatusOK || tv.State != "running" {
		t.Fatalf("resume: %d %s %+v", code, msg, tv)
	}
	if got := e.delivered(); len(got) != 1 || got[0] != "held" {
		t.Errorf("after resume delivered %q, want the held message", got)
	}
	if code, _ := e.call("/api/triggers/nope/pause", map[string]any{}, &tv); code != http.StatusNotFound {
		t.Errorf("pause of an unknown trigger: %d", code)
	}
}

// TestWithoutBroker: with no local RocketMQ (a cluster), the parts that
// need it answer 501 with the reason; the rest works, journeys included.
func TestWithoutBroker(t *testing.T) {
	e := newAdminEnv(t)
	c := console.New(console.Services{Bridge: e.bridge, NoBroker: "the triggers consume a cluster"})
	srv := httptest.NewServer(c)
	defer srv.Close()
	for _, path := range []string{"/api/send", "/api/backlog", "/api/reset-offset", "/api/topics", "/api/messages"} {
		method := "GET"
		if path == "/api/send" || path == "/api/reset-offset" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(body.Error, "the triggers consume a cluster") {
			t.Errorf("%s %s: %d %q, want 501 with the reason", method, path, resp.StatusCode, body.Error)
		}
	}
	var known struct {
		Broker   bool
		NoBroker string
		Topics   []struct{ Instance, Topic string }
	}
	get(t, srv.URL+"/api/known", &known)
	if known.Broker || known.NoBroker == "" || len(known.Topics) != 1 || known.Topics[0].Topic != "orders" {
		t.Errorf("known = %+v, want no broker and the trigger's topic", known)
	}
	var j struct{ Notes []string }
	get(t, srv.URL+"/api/messages/ABC", &j)
	if len(j.Notes) == 0 || !strings.Contains(strings.Join(j.Notes, " "), "not running") {
		t.Errorf("journey notes %q, want why the publication is missing", j.Notes)
	}
	var ts []map[string]any
	get(t, srv.URL+"/api/triggers", &ts)
	if len(ts) != 1 {
		t.Errorf("triggers without a broker: %v", ts)
	}
}

// TestLiveStreamOutlivesTimeouts: on a server whose read and write
// timeouts (httpserve's, as rocketfn dev serves the console) are shorter
// than the stream, the stream goes on past them.
func TestLiveStreamOutlivesTimeouts(t *testing.T) {
	e := newAdminEnv(t)
	c := console.New(console.Services{Broker: e.b, Bridge: e.bridge})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx)
	srv := &httpserve.Server{Timeouts: httpserve.Timeouts{Read: 200 * time.Millisecond, Write: 200 * time.Millisecond}}
	url, err := srv.Start("", c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(time.Second)
	resp, err := http.Get(url + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	evs := readEvents(resp.Body)
	next(t, evs, "metrics", nil)
	<-time.After(time.Second) // past both timeouts
	if code, msg := e.call("/api/send", map[string]any{"topic": "orders", "body": "late"}, &map[string]string{}); code != http.StatusOK {
		t.Fatalf("send: %d %s", code, msg)
	}
	e.delivered()
	next(t, evs, "invocation", nil)
}
