package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Admin is the broker's part of the API, which the console serves and
// which `rocketfn dev` and `rocketfn mq` also serve beside MQ HTTP on the
// RocketMQ endpoint, for `rocketfn mq backlog` and `rocketfn mq
// reset-offset`:
//
//	GET  /api/backlog[?instance=I...]   each group's backlog per topic
//	POST /api/reset-offset              {instance, topic, group, to}
//
// It answers only clients on loopback addresses: it changes consumer
// positions without the MQ signature.
type Admin struct {
	broker    *broker.Broker
	instances func() []string
	mux       *http.ServeMux
	cop       *http.CrossOriginProtection
}

// NewAdmin serves b's backlogs and offset resets. instances lists the
// instances a backlog request without ?instance= covers (the default
// instance "" always is); nil means only the default instance.
func NewAdmin(b *broker.Broker, instances func() []string) *Admin {
	a := &Admin{broker: b, instances: instances, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	a.mux.HandleFunc("GET /api/backlog", a.backlog)
	a.mux.HandleFunc("POST /api/reset-offset", a.resetOffset)
	return a
}

// AdminPaths are the paths Admin serves, for muxes that route them to it.
var AdminPaths = []string{"/api/backlog", "/api/reset-offset"}

// ServeHTTP answers loopback clients that name the server by an IP
// address or localhost (a DNS name resolving to 127.0.0.1 is a page's DNS
// rebinding: 421), and refuses cross-origin resets (403), so that a web
// page the developer visits cannot move a group's offset.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		fail(w, http.StatusForbidden, fmt.Errorf("%s answers clients on this machine only, not %s", r.URL.Path, r.RemoteAddr))
		return
	}
	if !literalHost(r.Host) {
		fail(w, http.StatusMisdirectedRequest, fmt.Errorf("%s answers requests to an IP address or localhost, not to Host %s", r.URL.Path, trim(r.Host)))
		return
	}
	if err := a.cop.Check(r); err != nil {
		fail(w, http.StatusForbidden, fmt.Errorf("%s: %w", r.URL.Path, err))
		return
	}
	a.mux.ServeHTTP(w, r)
}

// literalHost reports whether a Host value is an IP address or
// localhost, with or without a port.
func literalHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil
}

// fromLoopback reports whether r comes from a loopback address.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Backlog is one group's backlog in one topic, as /api/backlog answers it.
type Backlog struct {
	Instance string `json:"instance"`
	Topic    string `json:"topic"`
	Group    string `json:"group"`
	// Ready counts the messages the group has not been given yet.
	Ready int `json:"ready"`
	// InFlight counts those delivered and not acknowledged.
	InFlight int `json:"inFlight"`
	// Dead counts the group's dead letters.
	Dead int `json:"dead"`
	// Oldest is the publish time of the oldest message not consumed;
	// nil when there is none.
	Oldest *time.Time `json:"oldest,omitempty"`
	// Retained counts the topic's retained messages.
	Retained int `json:"retained"`
}

// allInstances is "", the instances of a.instances and those the broker
// has topics in, sorted, once each.
func (a *Admin) allInstances() []string {
	out := []string{""}
	if a.instances != nil {
		out = append(out, a.instances()...)
	}
	if known, err := a.broker.Instances(); err == nil {
		out = append(out, known...) // topics created on first use too
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (a *Admin) backlog(w http.ResponseWriter, r *http.Request) {
	instances := r.URL.Query()["instance"]
	if len(instances) == 0 {
		instances = a.allInstances()
	}
	out := []Backlog{}
	for _, inst := range instances {
		bls, err := a.broker.Backlogs(inst)
		if err != nil {
			fail(w, brokerStatus(err), err)
			return
		}
		for _, bl := range bls {
			b := Backlog{Instance: bl.Instance, Topic: bl.Topic, Group: bl.Group, Ready: bl.Ready,
				InFlight: bl.InFlight, Dead: bl.Dead, Retained: bl.Retained}
			if !bl.Oldest.IsZero() {
				oldest := bl.Oldest.UTC()
				b.Oldest = &oldest
			}
			out = append(out, b)
		}
	}
	reply(w, out)
}

// ResetRequest is the body of /api/reset-offset.
type ResetRequest struct {
	Instance string `json:"instance"`
	Topic    string `json:"topic"`
	Group    string `json:"group"`
	// To is "earliest", "latest" or an RFC 3339 time (ParsePosition).
	To string `json:"to"`
}

// ResetResult is the answer of /api/reset-offset.
type ResetResult struct {
	// Pending is the number of retained messages the group now has to
	// consume.
	Pending int `json:"pending"`
	// To is where the group was moved: earliest, latest or a time.
	To string `json:"to"`
}

func (a *Admin) resetOffset(w http.ResponseWriter, r *http.Request) {
	var req ResetRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, fmt.Errorf(`want {"instance": ..., "topic": ..., "group": ..., "to": ...}: %w`, err))
		return
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"topic", req.Topic}, {"group", req.Group}, {"to", req.To}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		fail(w, http.StatusBadRequest, fmt.Errorf("reset offset: %s missing", strings.Join(missing, ", ")))
		return
	}
	p, err := ParsePosition(req.To)
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	n, err := a.broker.ResetOffset(req.Instance, req.Topic, req.Group, p)
	if err != nil {
		fail(w, brokerStatus(err), err)
		return
	}
	reply(w, ResetResult{Pending: n, To: p.String()})
}

// ParsePosition reads where to reset a group to: "earliest" (the earliest
// message the topic retains), "latest" (after the last one published) or
// an RFC 3339 time (the first message published at or after it).
func ParsePosition(s string) (broker.Position, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "earliest":
		return broker.Position{From: broker.FromEarliest}, nil
	case "latest":
		return broker.Position{From: broker.FromLatest}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return broker.Position{}, fmt.Errorf("reset offset to %q: want earliest, latest or an RFC 3339 time such as 2026-05-01T12:00:00Z", s)
	}
	return broker.Position{From: broker.FromTime, Time: t}, nil
}

// brokerStatus is the HTTP status of a broker error.
func brokerStatus(err error) int {
	switch {
	case errors.Is(err, broker.ErrTopicNotExist), errors.Is(err, broker.ErrGroupNotExist):
		return http.StatusNotFound
	case errors.Is(err, broker.ErrInvalidArgument):
		return http.StatusBadRequest
	case errors.Is(err, broker.ErrClosed):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
