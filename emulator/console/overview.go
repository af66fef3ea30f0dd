package console

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// knownTopic is a topic the send form offers, with the triggers that
// consume it.
type knownTopic struct {
	Instance string   `json:"instance"`
	Topic    string   `json:"topic"`
	Triggers []string `json:"triggers"`
	// Tags are the triggers' tag expressions ("*" for all).
	Tags []string `json:"tags"`
}

// knownView is what /api/known answers: what the send form fills in.
type knownView struct {
	// Instances are the RocketMQ instances the stack knows, sorted; ""
	// is the default instance.
	Instances []string     `json:"instances"`
	Topics    []knownTopic `json:"topics"`
	// Broker is false when there is no local RocketMQ (NoBroker says
	// why): nothing can be sent from the console.
	Broker   bool   `json:"broker"`
	NoBroker string `json:"noBroker,omitempty"`
}

// known answers the instances and topics the stack knows: those of the
// triggers, of Services.Topics and of the broker, sorted.
func (c *Console) known(w http.ResponseWriter, r *http.Request) {
	reply(w, c.knownView())
}

func (c *Console) knownView() knownView {
	topics := map[Topic]*knownTopic{}
	add := func(inst, topic string) *knownTopic {
		k := Topic{inst, topic}
		if topics[k] == nil {
			topics[k] = &knownTopic{Instance: inst, Topic: topic, Triggers: []string{}, Tags: []string{}}
		}
		return topics[k]
	}
	for _, name := range c.svc.Bridge.Triggers() {
		t, _ := c.svc.Bridge.Trigger(name)
		kt := add(t.Instance, t.Topic)
		kt.Triggers = append(kt.Triggers, name)
		if tag := cmp.Or(t.Tag, "*"); !slices.Contains(kt.Tags, tag) {
			kt.Tags = append(kt.Tags, tag)
		}
	}
	for _, t := range c.svc.Topics {
		add(t.Instance, t.Topic)
	}
	if c.svc.Broker != nil {
		for _, inst := range c.allInstances() {
			names, _ := c.svc.Broker.Topics(inst)
			for _, n := range names {
				if !strings.HasPrefix(n, "%") { // %RETRY% and %DLQ% topics of the native protocols
					add(inst, n)
				}
			}
		}
	}
	out := knownView{Instances: []string{}, Topics: []knownTopic{}, Broker: c.svc.Broker != nil, NoBroker: c.svc.NoBroker}
	for _, kt := range topics {
		out.Topics = append(out.Topics, *kt)
		out.Instances = append(out.Instances, kt.Instance)
	}
	out.Instances = append(out.Instances, c.svc.Instances...)
	slices.Sort(out.Instances)
	out.Instances = slices.Compact(out.Instances)
	slices.SortFunc(out.Topics, func(a, b knownTopic) int {
		return cmp.Or(cmp.Compare(a.Instance, b.Instance), cmp.Compare(a.Topic, b.Topic))
	})
	return out
}

// allInstances are the instances whose topics the console shows.
func (c *Console) allInstances() []string {
	if c.admin == nil {
		return nil
	}
	return c.admin.allInstances()
}

// groupView is a consumer group's backlog in a topic, with the trigger
// that consumes as that group, if any.
type groupView struct {
	Backlog
	Trigger  string `json:"trigger,omitempty"`
	Function string `json:"function,omitempty"`
}

// topicView is a topic with its groups, as /api/topics answers it.
type topicView struct {
	Instance string `json:"instance"`
	Topic    string `json:"topic"`
	// Messages counts the messages the topic retains.
	Messages int         `json:"messages"`
	Groups   []groupView `json:"groups"`
}

// errNoBroker is the error of views that need the local RocketMQ.
func (c *Console) errNoBroker() error {
	return errors.New("the local RocketMQ is not running: " + c.svc.NoBroker)
}

// topics answers every topic of the known instances with its groups'
// backlogs and oldest unconsumed messages.
func (c *Console) topics(w http.ResponseWriter, r *http.Request) {
	if c.svc.Broker == nil {
		c.noBroker(w, r)
		return
	}
	out, err := c.topicViews()
	if err != nil {
		fail(w, brokerStatus(err), err)
		return
	}
	reply(w, out)
}

func (c *Console) topicViews() ([]topicView, error) {
	if c.svc.Broker == nil {
		return nil, c.errNoBroker()
	}
	consumers := c.consumers()
	out := []topicView{}
	for _, inst := range c.allInstances() {
		names, err := c.svc.Broker.Topics(inst)
		if err != nil {
			return nil, err
		}
		bls, err := c.svc.Broker.Backlogs(inst)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			tv := topicView{Instance: inst, Topic: name, Groups: []groupView{}}
			if qs, err := c.svc.Broker.Queues(inst, name); err == nil {
				for _, q := range qs {
					tv.Messages += int(q.Max - q.Min)
				}
			}
			for _, bl := range bls {
				if bl.Topic != name {
					continue
				}
				g := groupView{Backlog: Backlog{Instance: inst, Topic: name, Group: bl.Group, Ready: bl.Ready,
					InFlight: bl.InFlight, Dead: bl.Dead, Retained: bl.Retained}}
				if !bl.Oldest.IsZero() {
					oldest := bl.Oldest.UTC()
					g.Oldest = &oldest
				}
				if t, ok := consumers[[3]string{inst, name, bl.Group}]; ok {
					g.Trigger, g.Function = t.Name, t.Function
				}
				tv.Messages = max(tv.Messages, bl.Retained)
				tv.Groups = append(tv.Groups, g)
			}
			out = append(out, tv)
		}
	}
	return out, nil
}

// Trigger states (triggerView.State).
const (
	stateRunning = "running"
	statePaused  = "paused"
	stateBlocked = "blocked" // ToleranceNone after the retries: until a redrive
)

// triggerView is a trigger with its state and counters.
type triggerView struct {
	Name            string `json:"name"`
	Function        string `json:"function"`
	Instance        string `json:"instance"`
	Topic           string `json:"topic"`
	Group           string `json:"group"`
	Tag             string `json:"tag"`
	Mode            string `json:"mode"`
	BatchCount      int    `json:"batchCount"`
	BatchWindowMs   int64  `json:"batchWindowMs"`
	RetryPolicy     string `json:"retryPolicy"`
	ErrorsTolerance string `json:"errorsTolerance"`
	DeadLetter      bool   `json:"deadLetter"`
	// State is running, paused or blocked.
	State string       `json:"state"`
	Stats triggerStats `json:"stats"`
}

// triggerStats are eventbridge.Stats as JSON.
type triggerStats struct {
	Accepted     int64 `json:"accepted"`
	Filtered     int64 `json:"filtered"`
	Invocations  int64 `json:"invocations"`
	Delivered    int64 `json:"delivered"`
	Failed       int64 `json:"failed"`
	Retried      int64 `json:"retried"`
	DeadLettered int64 `json:"deadLettered"`
	Skipped      int64 `json:"skipped"`
	Redriven     int64 `json:"redriven"`
	Pending      int   `json:"pending"`
}

// triggers answers the bridge's triggers in the order they were added.
func (c *Console) triggers(w http.ResponseWriter, r *http.Request) {
	reply(w, c.triggerViews())
}

func (c *Console) triggerViews() []triggerView {
	out := []triggerView{}
	for _, name := range c.svc.Bridge.Triggers() {
		t, ok := c.svc.Bridge.Trigger(name)
		if !ok {
			continue
		}
		s := c.svc.Bridge.Stats(name)
		tv := triggerView{Name: name, Function: t.Function, Instance: t.Instance, Topic: t.Topic, Group: t.Group,
			Tag: cmp.Or(t.Tag, "*"), Mode: t.Mode, BatchCount: t.BatchCount, BatchWindowMs: t.BatchWindow.Milliseconds(),
			RetryPolicy: t.RetryPolicy, ErrorsTolerance: t.ErrorsTolerance, DeadLetter: t.DeadLetter, State: stateRunning,
			Stats: triggerStats{Accepted: s.Accepted, Filtered: s.Filtered, Invocations: s.Invocations, Delivered: s.Delivered,
				Failed: s.Failed, Retried: s.Retried, DeadLettered: s.DeadLettered, Skipped: s.Skipped, Redriven: s.Redriven,
				Pending: s.Pending}}
		switch {
		case c.svc.Bridge.Paused(name):
			tv.State = statePaused
		case s.Blocked:
			tv.State = stateBlocked
		}
		out = append(out, tv)
	}
	return out
}

// pause and resume answer POST /api/triggers/{name}/pause and /resume
// with the trigger's state.
func (c *Console) pause(w http.ResponseWriter, r *http.Request) {
	c.setPaused(w, r, c.svc.Bridge.Pause)
}

func (c *Console) resume(w http.ResponseWriter, r *http.Request) {
	c.setPaused(w, r, c.svc.Bridge.Resume)
}

func (c *Console) setPaused(w http.ResponseWriter, r *http.Request, act func(string) error) {
	name := r.PathValue("name")
	if err := act(name); err != nil {
		fail(w, http.StatusNotFound, err)
		return
	}
	c.poke()
	for _, tv := range c.triggerViews() {
		if tv.Name == name {
			reply(w, tv)
			return
		}
	}
	fail(w, http.StatusNotFound, errors.New("trigger "+name+" is gone"))
}
