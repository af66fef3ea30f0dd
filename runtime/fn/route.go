package fn

import (
	"fmt"
	"strings"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/pattern"
)

// route is one registered handler and the messages it takes.
type route struct {
	topic   string       // "" or "*" for any
	tags    tagexpr.Expr // the tag expression
	pattern *pattern.Pattern
	handler Handler      // per message, wrapped in middleware at freeze
	batch   BatchHandler // or the whole matching batch
	desc    string
	info    routeDesc // what the routes report tells of the handler
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

// newRoute makes the route of Handle or HandleBatch. It panics when tags
// is not a valid tag expression, with an error that wraps the
// *tagexpr.Error: a route that matched every message, or none, in place
// of the one meant would fail quietly at run time instead.
func newRoute(topic, tags string, opts []RouteOption) route {
	expr, err := tagexpr.Parse(tags)
	if err != nil {
		panic(fmt.Errorf("fn: route for topic %q: %w", topic, err))
	}
	r := route{topic: strings.TrimSpace(topic), tags: expr, desc: "topic " + topic + " tags " + tags}
	if r.topic == "*" {
		r.topic = ""
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// MatchTag reports whether a message tag matches a RocketMQ tag expression
// such as "*", "created" or "created || paid": "" or "*" match every tag,
// else the tag must equal one of those separated by "||" (trimmed of the
// spaces around them). An invalid expression ("||", "A||", "A||*", a tag
// holding '|' or over 128 bytes) matches no tag; Handle and HandleBatch
// panic on one.
func MatchTag(expr, tag string) bool {
	e, err := tagexpr.Parse(expr)
	return err == nil && e.Match(tag)
}

func (r *route) match(m *event.Message) bool {
	if r.topic != "" && r.topic != m.Topic {
		return false
	}
	if !r.tags.Match(m.Tag) {
		return false
	}
	return r.pattern == nil || r.pattern.Match(m)
}
