// Package pattern implements Alibaba Cloud EventBridge event patterns: the
// JSON filters an event rule uses to pick the events it forwards.
//
// A pattern is a JSON object that mirrors the shape of the events it
// selects. An object value descends into the event; an array value lists
// the conditions for the event field at that path. An event matches when
// every field named in the pattern matches (AND across keys) and a field
// matches when any of its conditions does (OR within an array):
//
//	{
//	  "type": ["mq:Topic:SendMessage"],
//	  "data": {
//	    "topic": ["orders"],
//	    "systemProperties": {"TAGS": ["created", "updated"]}
//	  }
//	}
//
// selects messages sent to the orders topic with tag created or updated.
// The empty pattern {} matches every event. Matching is exact and
// case-sensitive; strings are never normalised.
//
// A condition is a value to compare for equality (a string, a number
// compared numerically, true, false or null) or an operator object:
//
//	{"prefix": "acs."}                      string starting with "acs."
//	{"suffix": ".jpg"}                      string ending with ".jpg"
//	{"contains": "Normal"}                  string containing "Normal"
//	{"anything-but": "initializing"}        any value but this string
//	{"anything-but": 123}                   any value but this number
//	{"anything-but": ["stopped", 7]}        any value but these
//	{"anything-but": {"prefix": "init"}}    string without the prefix (or "suffix")
//	{"numeric": [">", 0, "<=", 5]}          number satisfying one or two comparisons
//	{"cidr": "10.0.0.0/24"}                 string holding an IP address in the prefix
//	{"exists": true}                        field present, whatever its value
//	{"exists": false}                       field absent
//
// The numeric comparisons are =, !=, >, >=, < and <=; numbers compare as
// float64. Only JSON numbers satisfy numeric conditions: the string "5" does
// not. The condition "" matches an empty string and null matches a JSON
// null; neither matches a missing field, and anything-but needs the field
// to be present too. When the event holds an array at a path, the field
// matches if any element does.
//
// Compile reports malformed patterns (a non-array leaf, an empty array, an
// unknown operator, a bad operand) with the path of the offending field:
//
//	pattern: data.userProperties.tenant: unknown operator "regex"
//
// Events are presented to a pattern through the Doc interface. JSON and Map
// provide Docs over raw and decoded JSON; other event representations can
// implement Lookup directly. The Docs from JSON and Map also look through
// arrays of objects: {"items":{"sku":["A1"]}} matches an event whose items
// array holds an object with sku "A1".
//
// A compiled Pattern is safe for concurrent use. Match does not allocate
// for string and number conditions when the Doc does not.
package pattern
