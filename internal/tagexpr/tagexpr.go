package tagexpr

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxTagLen is the longest tag, in bytes, an expression may name: the
// local broker's limit on message tags.
const MaxTagLen = 128

// sep separates the tags of an expression; all alone matches every tag.
const (
	sep = "||"
	all = "*"
)

// setMin is the number of tags from which Match looks tags up in a map
// rather than comparing them one by one.
const setMin = 8

// Expr is a parsed tag expression. The zero Expr matches every message,
// as "*" does. An Expr is immutable and safe for concurrent use.
type Expr struct {
	tags []string            // in the order written, without repeats; nil for every tag
	set  map[string]struct{} // the tags, when there are setMin or more
	text string              // canonical form; "" for every tag
}

// Error is a tag expression Parse rejects.
type Error struct {
	Expr   string // the expression as given
	Reason string // what is wrong with it
}

// Error formats e as `tag expression "EXPR": REASON`.
func (e *Error) Error() string {
	return "tag expression " + strconv.Quote(e.Expr) + ": " + e.Reason
}

// Parse parses a tag expression: "" or "*" for every message, else tags
// joined by "||", each trimmed of surrounding white space. It returns an
// *Error for an expression that names no tag, has an empty tag, mixes "*"
// with tags, or has a tag that no message can carry (longer than
// MaxTagLen bytes, or holding '|'); the package documentation says why.
func Parse(expr string) (Expr, error) {
	s := strings.TrimSpace(expr)
	if s == "" || s == all {
		return Expr{}, nil
	}
	parts := strings.Split(s, sep)
	e := Expr{tags: make([]string, 0, len(parts))}
	if len(parts) >= setMin {
		e.set = make(map[string]struct{}, len(parts))
	}
	empty := 0 // the first empty tag, counting from 1
	for i, p := range parts {
		tag := strings.TrimSpace(p)
		if tag == "" {
			if empty == 0 {
				empty = i + 1
			}
			continue
		}
		if reason := checkTag(tag); reason != "" {
			return Expr{}, &Error{Expr: expr, Reason: reason}
		}
		if e.has(tag) {
			continue
		}
		e.tags = append(e.tags, tag)
		if e.set != nil {
			e.set[tag] = struct{}{}
		}
	}
	switch {
	case len(e.tags) == 0:
		return Expr{}, &Error{Expr: expr, Reason: `names no tag (write "*" for every tag)`}
	case empty > 0:
		return Expr{}, &Error{Expr: expr, Reason: fmt.Sprintf(`tag %d of %d is empty (nothing between two "||" or at an end)`, empty, len(parts))}
	}
	if len(e.tags) < setMin {
		e.set = nil
	}
	e.text = strings.Join(e.tags, sep)
	return e, nil
}

// checkTag says what makes a trimmed, non-empty tag unusable, or "".
func checkTag(tag string) string {
	switch {
	case tag == all:
		return `"*" matches every tag on its own only: write "*" alone, or name the tags`
	case strings.Contains(tag, "|"):
		return fmt.Sprintf(`tag %s holds '|', which no message tag can (tags are separated by "||")`, shorten(tag))
	case len(tag) > MaxTagLen:
		return fmt.Sprintf("tag %s is %d bytes, over the limit of %d", shorten(tag), len(tag), MaxTagLen)
	}
	return ""
}

// shorten quotes tag, cut to its first 32 bytes when longer.
func shorten(tag string) string {
	const keep = 32
	if len(tag) <= keep+3 {
		return strconv.Quote(tag)
	}
	cut := keep
	for cut > 0 && !startsRune(tag[cut]) {
		cut--
	}
	return strconv.Quote(tag[:cut]) + "..."
}

// startsRune reports whether b can start a UTF-8 sequence.
func startsRune(b byte) bool { return b&0xC0 != 0x80 }

// MustParse is Parse for expressions known to be valid; it panics on an
// error.
func MustParse(expr string) Expr {
	e, err := Parse(expr)
	if err != nil {
		panic(err)
	}
	return e
}

// Match reports whether a message tagged tag matches e. It does not
// allocate.
func (e Expr) Match(tag string) bool {
	return e.tags == nil || e.has(tag)
}

// has reports whether tag is one of e's tags.
func (e Expr) has(tag string) bool {
	if e.set != nil {
		_, ok := e.set[tag]
		return ok
	}
	return slices.Contains(e.tags, tag)
}

// MatchesAll reports whether e matches every message: "" or "*".
func (e Expr) MatchesAll() bool { return e.tags == nil }

// Tags returns e's tags in the order written, without repeats, or nil
// when e matches every message. The slice is the caller's.
func (e Expr) Tags() []string { return slices.Clone(e.tags) }

// String returns e in canonical form: "*" for every message, else the
// tags joined by "||" without spaces around them. Parse(e.String())
// returns an Expr equal to e.
func (e Expr) String() string {
	if e.tags == nil {
		return all
	}
	return e.text
}
