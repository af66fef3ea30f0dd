package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/emulator/eventbridge"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// messageView is a retained message as a search answers it.
type messageView struct {
	ID          string     `json:"id"`
	Instance    string     `json:"instance"`
	Topic       string     `json:"topic"`
	Tag         string     `json:"tag"`
	Keys        string     `json:"keys"`
	ShardingKey string     `json:"shardingKey,omitempty"`
	PublishTime time.Time  `json:"publishTime"`
	DeliverAt   *time.Time `json:"deliverAt,omitempty"`
	// Protocol is how it was published: mq-http, remoting, grpc or
	// console; "" when not recorded (published before it was).
	Protocol    string            `json:"protocol"`
	QueueID     int               `json:"queueId"`
	QueueOffset int64             `json:"queueOffset"`
	Properties  map[string]string `json:"properties"`
	Size        int               `json:"size"`
	// Body is the body as text (Base64 set: base64 of a body that is not
	// UTF-8); BodyJSON the same when it is JSON.
	Body     string          `json:"body"`
	Base64   bool            `json:"base64,omitempty"`
	BodyJSON json.RawMessage `json:"bodyJson,omitempty"`
	Groups   []progressView  `json:"groups"`
}

// progressView is where a group stands with a message, with the trigger
// that consumes as that group, if any.
type progressView struct {
	Group         string     `json:"group"`
	State         string     `json:"state"` // pending, delivered, done, dead
	Deliveries    int        `json:"deliveries,omitempty"`
	FirstDelivery *time.Time `json:"firstDelivery,omitempty"`
	Skipped       bool       `json:"skipped,omitempty"`
	Pull          bool       `json:"pull,omitempty"`
	DeadReason    string     `json:"deadReason,omitempty"`
	DeadAt        *time.Time `json:"deadAt,omitempty"`
	Trigger       string     `json:"trigger,omitempty"`
	Function      string     `json:"function,omitempty"`
}

// searchView is what /api/messages answers.
type searchView struct {
	Messages []messageView `json:"messages"`
	// Truncated: more messages match than Limit.
	Truncated bool `json:"truncated"`
	Limit     int  `json:"limit"`
	// Topics counts the topics searched.
	Topics int `json:"topics"`
}

// maxSearch bounds the messages a search answers.
const maxSearch = 500

// searchMessages answers GET /api/messages: the retained messages that
// match ?id=, ?key=, ?tag=, ?from= and ?to= (RFC 3339), newest first, in
// ?instance= (default: every known instance) and ?topic= (default: every
// topic), at most ?limit= (50; maxSearch).
func (c *Console) searchMessages(w http.ResponseWriter, r *http.Request) {
	if c.svc.Broker == nil {
		c.noBroker(w, r)
		return
	}
	q := r.URL.Query()
	mq := broker.MessageQuery{ID: strings.TrimSpace(q.Get("id")), Key: strings.TrimSpace(q.Get("key")), Tag: strings.TrimSpace(q.Get("tag"))}
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"from", &mq.From}, {"to", &mq.To}} {
		if v := strings.TrimSpace(q.Get(f.name)); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				fail(w, http.StatusBadRequest, fmt.Errorf("%s=%q: want an RFC 3339 time such as 2026-05-01T12:00:00Z", f.name, v))
				return
			}
			*f.t = t
		}
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = broker.DefaultFindLimit
	}
	mq.Limit = min(limit, maxSearch) + 1 // one more tells there are more
	instances := c.allInstances()
	if q.Has("instance") {
		instances = []string{q.Get("instance")}
	}
	out := searchView{Messages: []messageView{}, Limit: mq.Limit - 1}
	consumers := c.consumers()
	for _, inst := range instances {
		topics := []string{q.Get("topic")}
		if topics[0] == "" {
			if topics, err = c.svc.Broker.Topics(inst); err != nil {
				fail(w, brokerStatus(err), err)
				return
			}
		}
		for _, topic := range topics {
			fs, err := c.svc.Broker.FindMessages(inst, topic, mq)
			if err != nil {
				fail(w, brokerStatus(err), err)
				return
			}
			out.Topics++
			for _, f := range fs {
				out.Messages = append(out.Messages, messageViewOf(f, consumers))
			}
		}
	}
	slices.SortStableFunc(out.Messages, func(a, b messageView) int { return b.PublishTime.Compare(a.PublishTime) })
	if len(out.Messages) > out.Limit {
		out.Messages, out.Truncated = out.Messages[:out.Limit], true
	}
	reply(w, out)
}

// messageViewOf is the view of a found message; consumers maps instance,
// topic and group to the trigger consuming them (Console.consumers).
func messageViewOf(f broker.Found, consumers map[[3]string]eventbridge.Trigger) messageView {
	m := f.Message
	v := messageView{ID: m.ID, Instance: m.Instance, Topic: m.Topic, Tag: m.Tag, Keys: m.Keys, ShardingKey: m.ShardingKey,
		PublishTime: time.UnixMilli(m.PublishTime).UTC(), Protocol: m.Protocol, QueueID: m.QueueID, QueueOffset: m.QueueOffset,
		Properties: m.Properties, Size: len(m.Body), Groups: []progressView{}}
	if v.Properties == nil {
		v.Properties = map[string]string{}
	}
	if m.StartDeliverTime > m.PublishTime {
		at := time.UnixMilli(m.StartDeliverTime).UTC()
		v.DeliverAt = &at
	}
	if utf8.Valid(m.Body) {
		v.Body = string(m.Body)
		if json.Valid(m.Body) {
			v.BodyJSON = m.Body
		}
	} else {
		v.Body, v.Base64 = base64.StdEncoding.EncodeToString(m.Body), true
	}
	for _, g := range f.Groups {
		p := progressView{Group: g.Group, State: g.State, Deliveries: g.Deliveries, Skipped: g.Skipped, Pull: g.Pull, DeadReason: g.DeadReason,
			FirstDelivery: timePtr(g.FirstDelivery), DeadAt: timePtr(g.DeadAt)}
		if t, ok := consumers[[3]string{m.Instance, m.Topic, g.Group}]; ok {
			p.Trigger, p.Function = t.Name, t.Function
		}
		v.Groups = append(v.Groups, p)
	}
	return v
}

// consumers maps instance, topic and group to the trigger consuming them.
func (c *Console) consumers() map[[3]string]eventbridge.Trigger {
	out := map[[3]string]eventbridge.Trigger{}
	for _, name := range c.svc.Bridge.Triggers() {
		t, _ := c.svc.Bridge.Trigger(name)
		out[[3]string{t.Instance, t.Topic, t.Group}] = t
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// redrive is a redrive made from the console.
type redrive struct {
	Trigger    string    `json:"trigger"`
	At         time.Time `json:"at"`
	MessageIDs []string  `json:"messageIds"`
}

// journeyInvocation is an invocation in a journey, with its logs.
type journeyInvocation struct {
	invocation
	// Messages counts the messages of its batch.
	Messages int    `json:"messages"`
	Logs     string `json:"logs"`
}

// journeyView is what /api/messages/{id} answers: what became of one
// message, from its publication to the rows it wrote.
type journeyView struct {
	MessageID string `json:"messageId"`
	// Published are the retained messages with the ID: the message, and
	// its copies in the remoting protocol's retry and dead-letter topics.
	Published []messageView `json:"published"`
	// Invocations are those of its batches the console saw, oldest
	// first, each attempt on its own.
	Invocations []journeyInvocation `json:"invocations"`
	DeadLetters []deadLetter        `json:"deadLetters"`
	Redrives    []redrive           `json:"redrives"`
	// Rows are the Tablestore rows that carry its idempotency markers.
	Rows []MarkedRow `json:"rows"`
	// Notes say what could not be looked up, and why.
	Notes []string `json:"notes"`
}

// rowsPerTable bounds the rows a journey reads of each table.
const rowsPerTable = 5000

// journey answers GET /api/messages/{id}: the message as published (by
// which protocol, where each group stands with it), the invocations of
// its batches with their logs, its dead letters and redrives, and the
// Tablestore rows it wrote (found by their idempotency markers).
func (c *Console) journey(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.PathValue("id"))
	j := journeyView{MessageID: id, Published: []messageView{}, Invocations: []journeyInvocation{}, DeadLetters: []deadLetter{},
		Redrives: []redrive{}, Rows: []MarkedRow{}, Notes: []string{}}
	if c.svc.Broker == nil {
		j.Notes = append(j.Notes, "the publication is not shown: "+c.errNoBroker().Error())
	} else {
		consumers := c.consumers()
		for _, inst := range c.allInstances() {
			topics, _ := c.svc.Broker.Topics(inst)
			for _, topic := range topics {
				fs, err := c.svc.Broker.FindMessages(inst, topic, broker.MessageQuery{ID: id})
				if err != nil {
					j.Notes = append(j.Notes, err.Error())
					continue
				}
				for _, f := range fs {
					j.Published = append(j.Published, messageViewOf(f, consumers))
				}
			}
		}
		slices.SortStableFunc(j.Published, func(a, b messageView) int { return a.PublishTime.Compare(b.PublishTime) })
		if len(j.Published) == 0 {
			j.Notes = append(j.Notes, "the local RocketMQ retains no message "+id+": it expired, was never published, or is still a half message")
		}
	}

	exact := id // as the functions saw it, for the markers
	if len(j.Published) > 0 {
		exact = j.Published[0].ID
	}
	c.mu.Lock()
	for _, inv := range c.recent {
		if i := slices.IndexFunc(inv.MessageIDs, func(m string) bool { return strings.EqualFold(m, id) }); i >= 0 {
			j.Invocations = append(j.Invocations, journeyInvocation{invocation: inv, Messages: len(inv.MessageIDs)})
			exact = inv.MessageIDs[i]
		}
	}
	for _, rd := range c.redrives {
		if slices.ContainsFunc(rd.MessageIDs, func(m string) bool { return strings.EqualFold(m, id) }) {
			j.Redrives = append(j.Redrives, rd)
		}
	}
	c.mu.Unlock()
	if c.svc.Logs != nil {
		for i := range j.Invocations {
			j.Invocations[i].Logs = string(c.svc.Logs(j.Invocations[i].Function, j.Invocations[i].RequestID))
		}
	}

	dls, err := c.allDeadLetters()
	if err != nil {
		j.Notes = append(j.Notes, "dead letters: "+err.Error())
	}
	for _, d := range dls {
		if strings.EqualFold(d.MessageID, id) {
			j.DeadLetters = append(j.DeadLetters, d)
		}
	}

	if mf, ok := c.svc.Tables.(MarkerFinder); ok && id != "" {
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		rows, err := mf.RowsMarked(ctx, exact, rowsPerTable)
		cancel()
		if err != nil {
			j.Notes = append(j.Notes, "tablestore rows: "+err.Error())
		}
		j.Rows = append(j.Rows, rows...)
	} else {
		j.Notes = append(j.Notes, "tablestore rows are not looked up: no table reader")
	}
	reply(w, j)
}
