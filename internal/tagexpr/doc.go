// Package tagexpr parses RocketMQ tag expressions, the subscription filter
// of a consumer or an EventBridge trigger: "*" takes every message,
// "created" the messages tagged created, "created||paid" those tagged
// either. Apache RocketMQ's consumer API documents the subExpression of
// DefaultMQPushConsumer.subscribe as:
//
//	subscription expression.it only support or operation such as "tag1 || tag2 || tag3"
//	if null or * expression,meaning subscribe all
//
// that is, tags separated by "||", and "*" for all.
//
// This package is the one place the rules live. Every part of rocketfn
// that reads a tag expression parses it here: the routes of runtime/fn
// (fn.MatchTag, App.Handle), the Tag of an s.yaml trigger (package
// syaml, and so "rocketfn verify"), the triggers of the local EventBridge,
// the subscriptions of the local RocketMQ broker and "rocketfn new --tag".
// An expression therefore means the same everywhere, and one that Parse
// refuses is refused everywhere, each user reporting the *Error in its
// own way.
//
// Parse an expression once; the Expr it returns matches tags without
// allocating, and prints back in canonical form:
//
//	e, err := tagexpr.Parse(" created || paid ")
//	e.Match("paid")  // true
//	e.String()       // "created||paid"
//
// # Semantics
//
// They follow Apache RocketMQ's FilterAPI.buildSubscriptionData and the
// ApsaraMQ for RocketMQ documentation on tag filtering ("*" subscribes to
// every tag, "TagA||TagB||TagC" to any of them; tags are case-sensitive
// and should be kept under 128 characters):
//
//   - The expression is trimmed of surrounding white space. Empty (or only
//     white space) or "*" matches every message, tagged or not.
//   - Otherwise it is split on "||" and each tag is trimmed of surrounding
//     white space. Spaces inside a tag are part of it ("order created"), as
//     the SDK samples publish such tags.
//   - A message matches when its tag equals one of the tags exactly: no
//     trimming, no case folding. A message without a tag matches only an
//     expression that matches every message.
//   - A tag written twice counts once; String drops the repeat.
//
// # Errors instead of surprises
//
// Some expressions mean something in Apache RocketMQ that nobody writing
// them wants, or mean different things in different clients. Parse
// rejects them with an *Error naming the expression and the problem,
// rather than matching every message or none:
//
//   - "||", " || ": no tag at all. FilterAPI throws on "||" ("subString
//     split error") yet accepts " || " as a subscription to nothing, which
//     silently drops every message. Write "*" for every tag.
//   - "A||", "||A", "A||||B": an empty tag. FilterAPI skips it, but it is
//     almost always a tag left out by mistake.
//   - "A||*": "*" among other tags. FilterAPI takes it as the literal tag
//     "*" (so the expression matches A and the tag "*" only), while readers
//     of the expression expect every tag; rocketfn used to read it both
//     ways. Write "*" alone.
//   - a tag longer than MaxTagLen (128) bytes, the limit the local broker
//     puts on message tags (it counts bytes, as len does): no message can
//     carry it, so the subscription could never match.
//   - a tag containing "|" ("A|B", or "A|||B", which splits into "A" and
//     "|B"): the broker refuses '|' in message tags, since it separates the
//     tags of an expression, so such a tag could never match either; a
//     single "|" is usually a mistyped "||".
//
// Where FilterAPI compares the raw expression with "*" and "", Parse
// trims it first, as the local broker does, so " * " is every tag rather
// than the literal tag "*", and a blank expression is every tag rather
// than none.
package tagexpr
