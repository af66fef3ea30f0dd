package fn

import (
	"strings"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// route is one registered handler and the messages it takes.
type route struct {
	topic   string   // "" or "*" for any
	tags    []string // nil for any
	pattern *pattern.Pattern
	handler Handler      // per message, wrapped in middleware at freeze
	batch   BatchHandler // or the whole matching batch
	desc    string
}

// A RouteOption refines which messages a route takes.
type RouteOption func(*route)

// Where makes a route take only the messages that also match an
// EventBridge event pattern, evaluated against each message's CloudEvent
// form (see event.Message.Lookup).
//
//	app.Handle("orders", "*", h, fn.Where(pattern.MustCompile(
//		`{"data":{"userProperties":{"tenant":[{"anything-but":"test"}]}}}`)))
func Where(p *pattern.Pattern) RouteOption {
	return func(r *route) { r.pattern = p }
}

func newRoute(topic, tags string, opts []RouteOption) route {
	r := route{topic: strings.TrimSpace(topic), tags: parseTags(tags), desc: "topic " + topic + " tags " + tags}
	if r.topic == "*" {
		r.topic = ""
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// parseTags parses a RocketMQ tag expression: "*" (or "") for every
// message, else tags separated by "||", spaces allowed around them.
func parseTags(expr string) []string {
	expr = strings.TrimSpace(expr)
	if expr == "" || expr == "*" {
		return nil
	}
	var tags []string
	for _, t := range strings.Split(expr, "||") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// MatchTag reports whether a message tag matches a RocketMQ tag expression
// such as "*", "created" or "created || paid".
func MatchTag(expr, tag string) bool {
	return matchTags(parseTags(expr), tag)
}

func matchTags(tags []string, tag string) bool {
	if tags == nil {
		return true
	}
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

func (r *route) match(m *event.Message) bool {
	if r.topic != "" && r.topic != m.Topic {
		return false
	}
	if !matchTags(r.tags, m.Tag) {
		return false
	}
	return r.pattern == nil || r.pattern.Match(m)
}
