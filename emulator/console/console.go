package console

import (
	"context"
	_ "embed"
	"encoding/json"
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

//go:embed index.html
var indexHTML []byte

// Services are what the console shows and drives.
type Services struct {
	Broker *broker.Broker
	Bridge *eventbridge.Bridge
	// Logs returns the log lines of one invocation of a function.
	Logs func(function, requestID string) []byte
	// Tables lists tables and reads rows of the local Tablestore.
	Tables TableReader
	// Instances are RocketMQ instances whose backlogs the console shows
	// besides those of the bridge's triggers and the default instance
	// (the instances of topics declared beyond s.yaml's).
	Instances []string
}

// TableReader reads the local Tablestore for the table browser.
type TableReader interface {
	List(ctx context.Context) ([]string, error)
	Rows(ctx context.Context, table string, limit int) ([]map[string]any, error)
}

// Console is the console's HTTP handler.
type Console struct {
	svc Services
	mux *http.ServeMux

	mu     sync.Mutex
	recent []invocation // newest last, at most keep
}

const keep = 200

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
}

// New returns the console for svc. Run feeds its live view.
func New(svc Services) *Console {
	c := &Console{svc: svc, mux: http.NewServeMux()}
	admin := NewAdmin(svc.Broker, c.instances)
	for _, p := range AdminPaths {
		c.mux.Handle(p, admin)
	}
	c.mux.HandleFunc("GET /{$}", c.index)
	c.mux.HandleFunc("POST /api/send", c.send)
	c.mux.HandleFunc("GET /api/invocations", c.invocations)
	c.mux.HandleFunc("GET /api/logs", c.logs)
	c.mux.HandleFunc("GET /api/deadletters", c.deadLetters)
	c.mux.HandleFunc("POST /api/redrive", c.redrive)
	c.mux.HandleFunc("GET /api/tables", c.tables)
	c.mux.HandleFunc("GET /api/tables/{name}", c.rows)
	return c
}

// Run records the bridge's invocations until ctx ends.
func (c *Console) Run(ctx context.Context) {
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
		Start: r.Start, DurationMs: float64(r.Duration.Microseconds()) / 1000}
	c.mu.Lock()
	c.recent = append(c.recent, inv)
	if len(c.recent) > keep {
		c.recent = c.recent[len(c.recent)-keep:]
	}
	c.mu.Unlock()
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
	w.Write(indexHTML)
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
		Properties: req.Properties, ShardingKey: req.ShardingKey}
	if req.DelaySeconds > 0 {
		m.StartDeliverTime = time.Now().Add(time.Duration(req.DelaySeconds) * time.Second).UnixMilli()
	}
	res, err := c.svc.Broker.Publish(r.Context(), m)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	reply(w, map[string]string{"messageId": res.MessageID, "bodyMD5": res.BodyMD5})
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

func (c *Console) invocations(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	out := make([]invocation, len(c.recent))
	for i, inv := range c.recent {
		out[len(out)-1-i] = inv
	}
	c.mu.Unlock()
	reply(w, out)
}

func (c *Console) logs(w http.ResponseWriter, r *http.Request) {
	if c.svc.Logs == nil {
		reply(w, map[string]string{"logs": ""})
		return
	}
	reply(w, map[string]string{"logs": string(c.svc.Logs(r.URL.Query().Get("function"), r.URL.Query().Get("request")))})
}

// deadLetter is a dead letter as the console shows it.
type deadLetter struct {
	Trigger   string    `json:"trigger"`
	ID        string    `json:"id"`
	MessageID string    `json:"messageId"`
	Attempts  int       `json:"attempts"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
	Blocked   bool      `json:"blocked"`
	Payload   string    `json:"payload"`
}

func (c *Console) deadLetters(w http.ResponseWriter, r *http.Request) {
	out := []deadLetter{}
	for _, t := range c.svc.Bridge.Triggers() {
		dls, err := c.svc.Bridge.DeadLetters(t)
		if err != nil {
			fail(w, http.StatusInternalServerError, err)
			return
		}
		for _, d := range dls {
			out = append(out, deadLetter{Trigger: t, ID: d.ID, MessageID: d.MessageID, Attempts: d.Attempts,
				Reason: d.Reason, At: d.At, Blocked: d.Blocked, Payload: string(d.Payload)})
		}
	}
	reply(w, out)
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
	n, err := c.svc.Bridge.Redrive(r.Context(), req.Trigger, req.IDs)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	reply(w, map[string]int{"redriven": n})
}

func (c *Console) tables(w http.ResponseWriter, r *http.Request) {
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
