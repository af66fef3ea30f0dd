package console

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// The page: its HTML, style sheet and script, served as they are.
var (
	//go:embed index.html
	indexHTML []byte
	//go:embed style.css
	styleCSS []byte
	//go:embed app.js
	appJS []byte
)

// Services are what the console shows and drives.
type Services struct {
	// Broker is the local RocketMQ; nil when there is none (NoBroker).
	Broker *broker.Broker
	// Bridge is the local EventBridge. Required.
	Bridge *eventbridge.Bridge
	// Logs returns the log lines of one invocation of a function.
	Logs func(function, requestID string) []byte
	// Tables lists tables and reads rows of the Tablestore the functions
	// use; when it is also a MarkerFinder, journeys show the rows a
	// message wrote. nil: no table browser.
	Tables TableReader
	// Instances are RocketMQ instances whose backlogs the console shows
	// besides those of the bridge's triggers and the default instance
	// (the instances of topics declared beyond s.yaml's).
	Instances []string
	// Topics are topics the send form offers besides those of the
	// bridge's triggers and of the broker (s.yaml's, declared ones).
	Topics []Topic
	// NoBroker says why Broker is nil (the triggers consume a RocketMQ
	// cluster): the parts that need the local broker answer it.
	NoBroker string
	// Clock is the time of the throughput and latency windows, the
	// bridge's clock; nil means time.Now.
	Clock func() time.Time
	// Builds returns the last build of each function (hot reload): nil
	// for none known.
	Builds func() []Build
}

// Build is the last build of a function: whether it serves, and when it
// failed, the compiler's output (the previous build keeps serving).
type Build struct {
	Function   string    `json:"function"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	Time       time.Time `json:"time"`
	DurationMs float64   `json:"durationMs"`
	Generation int64     `json:"generation"`
}

// Topic is a topic within a RocketMQ instance ("" is the default one).
type Topic struct {
	Instance string `json:"instance"`
	Topic    string `json:"topic"`
}

// TableReader reads the local Tablestore for the table browser.
type TableReader interface {
	List(ctx context.Context) ([]string, error)
	Rows(ctx context.Context, table string, limit int) ([]map[string]any, error)
}

// Console is the console's HTTP handler.
type Console struct {
	svc   Services
	mux   *http.ServeMux
	admin *Admin        // nil without a broker
	done  chan struct{} // closed when Run returns: live streams end

	mu       sync.Mutex
	recent   []invocation // newest last, at most history, holding at most historyIDs message IDs
	ids      int          // message IDs in recent
	redrives []redrive    // newest last, at most history
	metrics  *metrics
	watchers map[*watcher]struct{}
}

// Sizes of the lists the console keeps: /api/invocations answers the
// latest keep invocations; journeys look through the latest history,
// fewer when their batches hold more than historyIDs messages in all.
const (
	keep       = 200
	history    = 5000
	historyIDs = 200000
)

// invocation is one record of the live view.
type invocation struct {
	Trigger    string    `json:"trigger"`
	Function   string    `json:"function"`
	RequestID  string    `json:"requestId"`
	MessageIDs []string  `json:"messageIds"`
	Attempt    int       `json:"attempt"`
	Failed     bool      `json:"failed"`
	Reason     string    `json:"reason,omitempty"`
	Start      time.Time `json:"start"`
	DurationMs float64   `json:"durationMs"`
	Bytes      int       `json:"bytes"`
}

// New returns the console for svc. Run feeds its live view.
func New(svc Services) *Console {
	if svc.Clock == nil {
		svc.Clock = time.Now
	}
	c := &Console{svc: svc, mux: http.NewServeMux(), done: make(chan struct{}), metrics: newMetrics(),
		watchers: map[*watcher]struct{}{}}
	if svc.Broker != nil {
		c.admin = NewAdmin(svc.Broker, c.instances)
		for _, p := range AdminPaths {
			c.mux.Handle(p, c.admin)
		}
	} else {
		for _, p := range AdminPaths {
			c.mux.HandleFunc(p, c.noBroker)
		}
	}
	c.mux.HandleFunc("GET /{$}", c.index)
	c.mux.HandleFunc("GET /style.css", c.asset("text/css; charset=utf-8", styleCSS))
	c.mux.HandleFunc("GET /app.js", c.asset("text/javascript; charset=utf-8", appJS))
	c.mux.HandleFunc("POST /api/send", c.send)
	c.mux.HandleFunc("GET /api/invocations", c.invocations)
	c.mux.HandleFunc("GET /api/logs", c.logs)
	c.mux.HandleFunc("GET /api/deadletters", c.deadLetters)
	c.mux.HandleFunc("POST /api/redrive", c.redrive)
	c.mux.HandleFunc("GET /api/tables", c.tables)
	c.mux.HandleFunc("GET /api/tables/{name}", c.rows)
	c.mux.HandleFunc("GET /api/known", c.known)
	c.mux.HandleFunc("GET /api/topics", c.topics)
	c.mux.HandleFunc("GET /api/triggers", c.triggers)
	c.mux.HandleFunc("POST /api/triggers/{name}/pause", c.pause)
	c.mux.HandleFunc("POST /api/triggers/{name}/resume", c.resume)
	c.mux.HandleFunc("GET /api/metrics", c.functionMetrics)
	c.mux.HandleFunc("GET /api/builds", c.builds)
	c.mux.HandleFunc("GET /api/messages", c.searchMessages)
	c.mux.HandleFunc("GET /api/messages/{id}", c.journey)
	c.mux.HandleFunc("GET /api/events", c.events)
	return c
}

// Run records the bridge's invocations until ctx ends, then ends the
// live streams.
func (c *Console) Run(ctx context.Context) {
	defer close(c.done)
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-c.svc.Bridge.Events():
			c.record(r)
		}
	}
}

func (c *Console) record(r eventbridge.Record) {
	inv := invocation{Trigger: r.Trigger, Function: r.Function, RequestID: r.RequestID, MessageIDs: r.MessageIDs,
		Attempt: r.Attempt, Failed: r.Outcome.Failed || r.Err != "", Reason: firstNonEmpty(r.Outcome.Reason, r.Err),
		Start: r.Start, DurationMs: float64(r.Duration.Microseconds()) / 1000, Bytes: r.Bytes}
	if inv.MessageIDs == nil {
		inv.MessageIDs = []string{}
	}
	c.mu.Lock()
	c.recent = append(c.recent, inv)
	c.ids += len(inv.MessageIDs)
	drop := 0
	for len(c.recent)-drop > history || c.ids > historyIDs && drop < len(c.recent)-1 {
		c.ids -= len(c.recent[drop].MessageIDs)
		drop++
	}
	if drop > 0 {
		c.recent = slices.Clone(c.recent[drop:])
	}
	c.metrics.add(inv, c.svc.Clock())
	c.mu.Unlock()
	c.notify(inv)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.mux.ServeHTTP(w, r) }

func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(indexHTML)
}

// asset serves an embedded file of the page.
func (c *Console) asset(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}
}

// noBroker answers a request for the local RocketMQ when there is none.
func (c *Console) noBroker(w http.ResponseWriter, r *http.Request) {
	fail(w, http.StatusNotImplemented, fmt.Errorf("%s is not available: %s", r.URL.Path, c.svc.NoBroker))
}

// sendRequest is the form of /api/send.
type sendRequest struct {
	Instance     string            `json:"instance"`
	Topic        string            `json:"topic"`
	Tag          string            `json:"tag"`
	Keys         string            `json:"keys"`
	Body         string            `json:"body"`
	Properties   map[string]string `json:"properties"`
	DelaySeconds int64             `json:"delaySeconds"`
	ShardingKey  string            `json:"shardingKey"`
}

func (c *Console) send(w http.ResponseWriter, r *http.Request) {
	if c.svc.Broker == nil {
		c.noBroker(w, r)
		return
	}
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, fmt.Errorf("the form is not JSON: %w", err))
		return
	}
	if req.Instance == "" {
		inst, err := c.instanceOf(req.Topic)
		if err != nil {
			fail(w, http.StatusBadRequest, err)
			return
		}
		req.Instance = inst
	}
	m := broker.Message{Instance: req.Instance, Topic: req.Topic, Tag: req.Tag, Keys: req.Keys, Body: []byte(req.Body),
		Properties: req.Properties, ShardingKey: req.ShardingKey, Protocol: broker.ProtocolConsole}
	if req.DelaySeconds > 0 {
		m.StartDeliverTime = time.Now().Add(time.Duration(req.DelaySeconds) * time.Second).UnixMilli()
	}
	res, err := c.svc.Broker.Publish(r.Context(), m)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	c.poke()
	reply(w, map[string]string{"messageId": res.MessageID, "bodyMD5": res.BodyMD5, "instance": req.Instance, "topic": req.Topic})
}

// instanceOf is the instance of the triggers that consume topic, for a
// message sent without one: "" when no trigger consumes it, an error when
// triggers consume it from different instances.
func (c *Console) instanceOf(topic string) (string, error) {
	var instances, triggers []string
	for _, name := range c.svc.Bridge.Triggers() {
		t, _ := c.svc.Bridge.Trigger(name)
		if t.Topic != topic {
			continue
		}
		if !slices.Contains(instances, t.Instance) {
			instances = append(instances, t.Instance)
			triggers = append(triggers, fmt.Sprintf("%q (trigger %s)", t.Instance, name))
		}
	}
	switch len(instances) {
	case 0:
		return "", nil
	case 1:
		return instances[0], nil
	}
	return "", fmt.Errorf("topic %q is consumed from several instances: %s; choose the instance", topic, strings.Join(triggers, ", "))
}

// instances are the instances of the triggers and Services.Instances.
func (c *Console) instances() []string {
	out := slices.Clone(c.svc.Instances)
	for _, name := range c.svc.Bridge.Triggers() {
		if t, ok := c.svc.Bridge.Trigger(name); ok {
			out = append(out, t.Instance)
		}
	}
	return out
}

// invocations answers the latest invocations, newest first: keep of
// them, or ?limit= up to history; ?function= selects a function's.
func (c *Console) invocations(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = keep
	}
	reply(w, c.latest(limit, r.URL.Query().Get("function")))
}

// latest returns up to limit of the latest invocations, newest first,
// of function fn ("": all).
func (c *Console) latest(limit int, fn string) []invocation {
	out := []invocation{}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.recent) - 1; i >= 0 && len(out) < limit; i-- {
		if inv := c.recent[i]; fn == "" || inv.Function == fn {
			out = append(out, inv)
		}
	}
	return out
}

func (c *Console) logs(w http.ResponseWriter, r *http.Request) {
	if c.svc.Logs == nil {
		reply(w, map[string]string{"logs": ""})
		return
	}
	reply(w, map[string]string{"logs": string(c.svc.Logs(r.URL.Query().Get("function"), r.URL.Query().Get("request")))})
}

// deadLetter is a dead letter as the console shows it: Payload is the
// event as text, Event the same as JSON.
type deadLetter struct {
	Trigger   string          `json:"trigger"`
	Function  string          `json:"function"`
	ID        string          `json:"id"`
	MessageID string          `json:"messageId"`
	Attempts  int             `json:"attempts"`
	Reason    string          `json:"reason"`
	At        time.Time       `json:"at"`
	Blocked   bool            `json:"blocked"`
	Payload   string          `json:"payload"`
	Event     json.RawMessage `json:"event,omitempty"`
}

func (c *Console) deadLetters(w http.ResponseWriter, r *http.Request) {
	out, err := c.allDeadLetters()
	if err != nil {
		fail(w, http.StatusInternalServerError, err)
		return
	}
	reply(w, out)
}

// allDeadLetters are the dead letters of every trigger, in trigger
// order, oldest first.
func (c *Console) allDeadLetters() ([]deadLetter, error) {
	out := []deadLetter{}
	for _, t := range c.svc.Bridge.Triggers() {
		dls, err := c.svc.Bridge.DeadLetters(t)
		if err != nil {
			return nil, err
		}
		trig, _ := c.svc.Bridge.Trigger(t)
		for _, d := range dls {
			dl := deadLetter{Trigger: t, Function: trig.Function, ID: d.ID, MessageID: d.MessageID, Attempts: d.Attempts,
				Reason: d.Reason, At: d.At, Blocked: d.Blocked, Payload: string(d.Payload)}
			if json.Valid(d.Payload) {
				dl.Event = d.Payload
			}
			out = append(out, dl)
		}
	}
	return out, nil
}

func (c *Console) redrive(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Trigger string   `json:"trigger"`
		IDs     []string `json:"ids"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil || req.Trigger == "" {
		fail(w, http.StatusBadRequest, fmt.Errorf("want {\"trigger\": ..., \"ids\": [...]}"))
		return
	}
	var msgs []string
	if dls, err := c.svc.Bridge.DeadLetters(req.Trigger); err == nil {
		for _, d := range dls {
			if req.IDs == nil || slices.Contains(req.IDs, d.ID) {
				msgs = append(msgs, d.MessageID)
			}
		}
	}
	n, err := c.svc.Bridge.Redrive(r.Context(), req.Trigger, req.IDs)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	c.mu.Lock()
	c.redrives = append(c.redrives, redrive{Trigger: req.Trigger, At: c.svc.Clock(), MessageIDs: msgs})
	if len(c.redrives) > keep {
		c.redrives = slices.Clone(c.redrives[len(c.redrives)-keep:])
	}
	c.mu.Unlock()
	c.poke()
	reply(w, map[string]int{"redriven": n})
}

// errNoTables answers the table browser without a TableReader.
var errNoTables = errors.New("no Tablestore to read: Services.Tables is nil")

func (c *Console) tables(w http.ResponseWriter, r *http.Request) {
	if c.svc.Tables == nil {
		fail(w, http.StatusNotImplemented, errNoTables)
		return
	}
	names, err := c.svc.Tables.List(r.Context())
	if err != nil {
		fail(w, http.StatusBadGateway, err)
		return
	}
	reply(w, names)
}

func (c *Console) rows(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	if c.svc.Tables == nil {
		fail(w, http.StatusNotImplemented, errNoTables)
		return
	}
	rows, err := c.svc.Tables.Rows(r.Context(), r.PathValue("name"), min(limit, 5000))
	if err != nil {
		fail(w, http.StatusBadGateway, err)
		return
	}
	reply(w, rows)
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": strings.TrimSpace(err.Error())})
}

// builds answers the last build of each function.
func (c *Console) builds(w http.ResponseWriter, r *http.Request) { reply(w, c.buildView()) }

func (c *Console) buildView() []Build {
	if c.svc.Builds == nil {
		return []Build{}
	}
	out := c.svc.Builds()
	if out == nil {
		out = []Build{}
	}
	return out
}
