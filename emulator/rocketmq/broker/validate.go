package broker

import (
	"fmt"
	"strings"
	"time"

	"github.com/rocketfn/rocketfn/internal/tagexpr"
)

// Limits checked by the broker: the 4.x series' limits (see the package
// documentation for the sources).
const (
	// MaxNameLen bounds topic and group names.
	MaxNameLen = 64
	// MinGroupLen is the shortest group name.
	MinGroupLen = 2
	// MaxTimedBodySize bounds the body of a delayed (StartDeliverTime
	// set) or transactional message.
	MaxTimedBodySize = 64 << 10
	// MaxPropertiesSize bounds a message's properties (user properties,
	// Keys and ShardingKey) as the SDK sends them, "key:value|" each.
	MaxPropertiesSize = 16 << 10
	// MaxInstanceLen bounds instance IDs.
	MaxInstanceLen = 128
	// MaxTagLen bounds a message tag.
	MaxTagLen = 128
	// MaxBatch is the largest ConsumeRequest.Max.
	MaxBatch = 16
	// MaxWait is the longest ConsumeRequest.Wait; the SDK's read timeout
	// is 35 s.
	MaxWait = 30 * time.Second
	// MaxDeliverDelay bounds how far ahead StartDeliverTime may be.
	MaxDeliverDelay = 40 * 24 * time.Hour
	// MinTransCheckImmunity and MaxTransCheckImmunity bound
	// Message.TransCheckImmunity (seconds) of a half message.
	MinTransCheckImmunity = 10
	MaxTransCheckImmunity = 300
)

// Property keys the SDK maps to Message fields; they may not appear in
// Message.Properties.
var reservedProperties = map[string]string{
	"KEYS":               "Keys",
	"__STARTDELIVERTIME": "StartDeliverTime",
	"__TransCheckT":      "TransCheckImmunity",
	"__SHARDINGKEY":      "ShardingKey",
}

// checkName validates a topic name (1 to MaxNameLen characters of
// [A-Za-z0-9_%-], '%' for the %RETRY% and %DLQ% topics of the native
// protocols) or a group name (MinGroupLen to MaxNameLen characters of
// [A-Za-z0-9_-]).
func checkName(kind, name string) error {
	if name == "" {
		return invalid("%s name is empty", kind)
	}
	if len(name) > MaxNameLen {
		return invalid("%s name %q is %d characters, limit %d", kind, name, len(name), MaxNameLen)
	}
	group := kind == "group"
	if group && len(name) < MinGroupLen {
		return invalid("group name %q is %d character, at least %d", name, len(name), MinGroupLen)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !nameChar(c) || group && c == '%' {
			allowed := "A-Z a-z 0-9 _ % -"
			if group {
				allowed = "A-Z a-z 0-9 _ -"
			}
			return invalid("%s name %q: character %q not allowed (use %s)", kind, name, c, allowed)
		}
	}
	return nil
}

// checkInstance validates an instance ID: empty (the default instance) or
// up to MaxInstanceLen characters of [A-Za-z0-9_%.-].
func checkInstance(instance string) error {
	if len(instance) > MaxInstanceLen {
		return invalid("instance %q is %d characters, limit %d", instance, len(instance), MaxInstanceLen)
	}
	for i := 0; i < len(instance); i++ {
		if c := instance[i]; !nameChar(c) && c != '.' {
			return invalid("instance %q: character %q not allowed", instance, c)
		}
	}
	return nil
}

// checkNames validates an instance, a topic and, when group is not nil,
// a group.
func checkNames(instance, topic string, group *string) error {
	if err := checkInstance(instance); err != nil {
		return err
	}
	if err := checkName("topic", topic); err != nil {
		return err
	}
	if group != nil {
		return checkName("group", *group)
	}
	return nil
}

func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '%' || c == '-'
}

// checkProperty rejects property keys and values that no protocol can
// carry: an empty key, and the separators of the remoting protocol's
// properties ("\x01", "\x02"). The MQ HTTP SDK's stricter rule (no ' " < >
// & : |) is the HTTP layer's.
func checkProperty(key, value string) error {
	if key == "" {
		return invalid("property with value %q has an empty key", value)
	}
	if i := strings.IndexAny(key, "\x01\x02"); i >= 0 {
		return invalid("property key %q: character %q not allowed", key, key[i])
	}
	if i := strings.IndexAny(value, "\x01\x02"); i >= 0 {
		return invalid("property %q: value %q: character %q not allowed", key, value, value[i])
	}
	return nil
}

// checkTag validates a message tag: up to MaxTagLen characters, no '|'
// (reserved for tag expressions).
func checkTag(tag string) error {
	if len(tag) > MaxTagLen {
		return invalid("tag %q is %d characters, limit %d", tag, len(tag), MaxTagLen)
	}
	if strings.ContainsAny(tag, "|") {
		return invalid("tag %q: character '|' not allowed", tag)
	}
	return nil
}

// MaxTagExprLen bounds a consumer's tag expression: the 4.x series' limit
// on subscription filter expressions.
const MaxTagExprLen = 1024

// parseTagFilter parses a consumer's tag expression (package tagexpr has
// the rules: "" or "*" for all, "A||B"); errors wrap ErrInvalidArgument.
func parseTagFilter(expr string) (tagexpr.Expr, error) {
	if len(expr) > MaxTagExprLen {
		return tagexpr.Expr{}, invalid("tag expression of %d characters, limit %d", len(expr), MaxTagExprLen)
	}
	e, err := tagexpr.Parse(expr)
	if err != nil {
		return tagexpr.Expr{}, fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	return e, nil
}
