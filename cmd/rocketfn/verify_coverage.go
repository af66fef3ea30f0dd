package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/rocketfn/rocketfn/internal/syaml"
	"github.com/rocketfn/rocketfn/internal/tagexpr"
	rocketfn "github.com/rocketfn/rocketfn/runtime/fn"
)

// isRocketMQ reports whether t delivers the messages of a RocketMQ topic,
// which the routes take by topic and tag.
func isRocketMQ(t *syaml.Trigger) bool { return t.SourceType == "RocketMQ" && t.Topic != "" }

// routeTakesTopic reports whether r takes messages of topic.
func routeTakesTopic(r rocketfn.RouteInfo, topic string) bool {
	return r.Topic == "*" || r.Topic == topic
}

// routeTags is r's tag expression; one that does not parse (a report of
// another runtime) matches every tag, so that no finding rests on it.
func routeTags(r rocketfn.RouteInfo) tagexpr.Expr {
	e, err := tagexpr.Parse(r.Tags)
	if err != nil {
		return tagexpr.Expr{}
	}
	return e
}

// reaching returns the routes that can take a message t delivers: of
// its topic, with a tag expression that shares a tag with t's.
func reaching(routes []rocketfn.RouteInfo, t *syaml.Trigger) []rocketfn.RouteInfo {
	var out []rocketfn.RouteInfo
	for _, r := range routes {
		if !routeTakesTopic(r, t.Topic) {
			continue
		}
		e := routeTags(r)
		if t.Tags == nil || e.MatchesAll() || slices.ContainsFunc(t.Tags, e.Match) {
			out = append(out, r)
		}
	}
	return out
}

// coverage checks that every message t delivers has a route: a topic
// without one, or a tag, fails each of its messages with fn.ErrNoRoute,
// and EventBridge retries them until they are dead-lettered or dropped.
// A route with an event pattern (fn.Where) takes only the messages the
// pattern matches, so a tag only such routes take is a warning.
func (v *verifier) coverage(t *syaml.Trigger, cfg string, routes, reach []rocketfn.RouteInfo) {
	params := cfg + ".eventSourceConfig.eventSourceParameters.sourceRocketMQParameters"
	topicKey, tagKey := params+".Topic", params+".Tag"
	var ofTopic []rocketfn.RouteInfo
	for _, r := range routes {
		if routeTakesTopic(r, t.Topic) {
			ofTopic = append(ofTopic, r)
		}
	}
	const fails = "fail with fn.ErrNoRoute, and EventBridge retries them until they are dead-lettered or dropped"
	if len(reach) == 0 {
		key, what := topicKey, "topic "+t.Topic
		if len(ofTopic) > 0 {
			key, what = tagKey, "topic "+t.Topic+" with tags "+t.Tag
		}
		v.add(v.doc.line(t.Line, key, topicKey), "error", key,
			"trigger %s delivers %s, but no route of the function takes it: its messages %s; the function's routes: %s",
			t.Name, what, fails, routeList(routes))
		return
	}
	if t.Tags == nil {
		for _, r := range ofTopic {
			if routeTags(r).MatchesAll() && r.Where == "" {
				return
			}
		}
		v.add(v.doc.line(t.Line, tagKey, topicKey), "warning", tagKey,
			"trigger %s delivers every tag of topic %s, but the routes of the topic take only some (%s): messages with other tags %s; set the trigger's Tag to the tags handled, or register a route for tags \"*\"",
			t.Name, t.Topic, routeList(ofTopic), fails)
		return
	}
	var missing, patterned []string
	for _, tag := range t.Tags {
		taken, firm := false, false
		for _, r := range ofTopic {
			if routeTags(r).Match(tag) {
				taken = true
				firm = firm || r.Where == ""
			}
		}
		switch {
		case !taken:
			missing = append(missing, strconv.Quote(tag))
		case !firm:
			patterned = append(patterned, strconv.Quote(tag))
		}
	}
	line := v.doc.line(t.Line, tagKey, topicKey)
	if len(missing) > 0 {
		v.add(line, "error", tagKey, "trigger %s delivers tag %s of topic %s, but no route takes it: those messages %s; the routes of the topic: %s",
			t.Name, strings.Join(missing, ", "), t.Topic, fails, routeList(ofTopic))
	}
	if len(patterned) > 0 {
		v.add(line, "warning", tagKey, "trigger %s delivers tag %s of topic %s, which only routes with an event pattern (fn.Where) take: messages the pattern does not match %s",
			t.Name, strings.Join(patterned, ", "), t.Topic, fails)
	}
}

// unreachedRoutes warns of routes of a named topic that no RocketMQ
// trigger of the function delivers: they never get a message here.
func (v *verifier) unreachedRoutes(fn *syaml.Function, rep *rocketfn.RoutesReport) {
	var topics []string
	for _, t := range fn.Triggers {
		if t.Type == "eventbridge" && isRocketMQ(t) {
			topics = append(topics, t.Topic)
		}
	}
	if len(topics) == 0 {
		return // invoked some other way, or by triggers verify does not read
	}
	key := fn.Key + ".props.triggers"
	for _, r := range rep.Routes {
		if r.Topic != "*" && !slices.Contains(topics, r.Topic) {
			v.add(v.doc.line(fn.Line, key), "warning", key,
				"the route for topic %s (%s) gets no messages: no trigger of function %s delivers topic %s (they deliver %s)",
				r.Topic, routeName(r), fn.Name, r.Topic, strings.Join(topics, ", "))
		}
	}
}
