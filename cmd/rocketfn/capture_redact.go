package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

// valuePattern finds one kind of secret in text by what it looks like.
type valuePattern struct {
	re *regexp.Regexp
	// group is the submatch that is replaced: 0 for the whole match.
	group int
	// placeholder replaces each match: <redacted:KIND>.
	placeholder string
}

// builtinPatterns find Alibaba Cloud credentials, in the order they are
// applied: security tokens first, as one may hold what looks like an
// AccessKey ID.
var builtinPatterns = []valuePattern{
	{re: regexp.MustCompile(`CAIS[0-9A-Za-z+/=_%-]{20,}`), placeholder: "<redacted:sts-token>"},
	{re: regexp.MustCompile(`STS\.[0-9A-Za-z_-]{16,}`), placeholder: "<redacted:sts-access-key-id>"},
	{re: regexp.MustCompile(`LTAI[0-9A-Za-z]{12,30}`), placeholder: "<redacted:access-key-id>"},
	// A secret is 30 letters and digits; alone it looks like any other
	// word, so it is found after its name: AccessKeySecret=...,
	// access_key_secret: ..., "accessKeySecret":"...", --secret-key ....
	{re: regexp.MustCompile(`(?i)(?:access[_.-]?key[_.-]?secret|secret[_.-]?access[_.-]?key|secret[_.-]?key)` +
		`(?:[\\"']*\s*[:=]\s*[\\"']*|\s+)([0-9A-Za-z]{30})(?:[^0-9A-Za-z]|$)`),
		group: 1, placeholder: "<redacted:access-key-secret>"},
}

// newValuePattern compiles a --redact-pattern expression. The whole match
// is replaced, or the first group's text when the expression has groups;
// the group's name, if it has one, names the placeholder.
func newValuePattern(expr string) (valuePattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return valuePattern{}, err
	}
	if re.MatchString("") {
		return valuePattern{}, errors.New("the expression matches the empty string")
	}
	p := valuePattern{re: re, placeholder: "<redacted:pattern>"}
	if re.NumSubexp() > 0 {
		p.group = 1
		if name := re.SubexpNames()[1]; name != "" {
			p.placeholder = "<redacted:" + name + ">"
		}
	}
	return p, nil
}

// valuePatterns are the --redact-pattern flags, each a regular expression.
type valuePatterns []valuePattern

func (ps *valuePatterns) String() string {
	exprs := make([]string, len(*ps))
	for i, p := range *ps {
		exprs[i] = p.re.String()
	}
	return strings.Join(exprs, " ")
}

func (ps *valuePatterns) Set(expr string) error {
	p, err := newValuePattern(expr)
	if err != nil {
		return err
	}
	*ps = append(*ps, p)
	return nil
}

// captureRedactor redacts a payload for a fixture: the members chosen by
// name (see redactor), then the values that match its patterns wherever
// they are: in member names and values, in the JSON that strings hold, and
// in base64 text of JSON or UTF-8 text, which is encoded again as it was.
// Redacted payloads remain the same JSON documents with the same structure.
type captureRedactor struct {
	names    *redactor
	patterns []valuePattern
	// placeholders finds the placeholders of the patterns, which no
	// pattern redacts again.
	placeholders *regexp.Regexp
}

// newCaptureRedactor returns the redactor of the comma-separated paths;
// credentials adds the credential-like names and builtinPatterns; user
// patterns follow the built-in ones.
func newCaptureRedactor(paths string, credentials bool, user []valuePattern) *captureRedactor {
	c := &captureRedactor{names: newRedactor(paths, credentials)}
	if credentials {
		c.patterns = append(c.patterns, builtinPatterns...)
	}
	c.patterns = append(c.patterns, user...)
	if len(c.patterns) == 0 {
		return c
	}
	var quoted []string
	for _, p := range c.patterns {
		quoted = append(quoted, regexp.QuoteMeta(p.placeholder))
	}
	c.placeholders = regexp.MustCompile(strings.Join(quoted, "|"))
	return c
}

// redact returns doc, which must be valid JSON, redacted, and how many
// values were.
func (c *captureRedactor) redact(doc []byte) ([]byte, int) {
	out, n := c.names.redact(doc)
	out, m := c.values(out, nil)
	return out, n + m
}

// values redacts the matches of the patterns in the strings of doc, a
// valid JSON document found at path, leaving the other bytes as they are.
func (c *captureRedactor) values(doc []byte, path []string) ([]byte, int) {
	if len(c.patterns) == 0 && len(c.names.paths) == 0 {
		return doc, 0 // nothing to find, not even in base64
	}
	return jsonEditor{str: c.str, keys: true}.edit(doc, path)
}

// str redacts the text of a JSON string found at path: the document it
// holds, else the text itself, else the base64 text it is.
func (c *captureRedactor) str(text string, path []string) (string, int) {
	if holdsJSON(text) {
		out, n := c.values([]byte(text), path)
		return string(out), n
	}
	if out, n := c.text(text); n > 0 {
		return out, n
	}
	return c.base64(text, path)
}

// holdsJSON reports whether text is a JSON object or array.
func holdsJSON(text string) bool {
	inner := strings.TrimSpace(text)
	return inner != "" && (inner[0] == '{' || inner[0] == '[') && json.Valid([]byte(inner))
}

// base64 redacts base64 text of JSON, redacted by name and value, or of
// UTF-8 text, and encodes the result in the alphabet and padding of text.
// Other text, binary data included, is left alone.
func (c *captureRedactor) base64(text string, path []string) (string, int) {
	raw, enc, ok := decodeBase64(text)
	if !ok || !utf8.Valid(raw) {
		return text, 0
	}
	var n int
	if json.Valid(raw) {
		var m int
		raw, n = c.names.redactAt(raw, path)
		raw, m = c.values(raw, path)
		n += m
	} else {
		var out string
		out, n = c.str(string(raw), path)
		raw = []byte(out)
	}
	if n == 0 {
		return text, 0
	}
	return enc.EncodeToString(raw), n
}

// minBase64 is the length of the shortest text taken for base64: shorter
// text is too short to hide a credential.
const minBase64 = 16

// decodeBase64 decodes text as standard or URL-safe base64, padded or not,
// and returns the encoding to write it again as text is written: padded
// when text is, or when it may be padded standard base64 (its length is a
// multiple of 4), as the strict decoder of data_base64 wants.
func decodeBase64(text string) ([]byte, *base64.Encoding, bool) {
	body := strings.TrimRight(text, "=")
	if len(text) < minBase64 || len(text)-len(body) > 2 || (len(body) < len(text) && len(text)%4 != 0) {
		return nil, nil, false
	}
	url := strings.ContainsAny(body, "-_")
	if url && strings.ContainsAny(body, "+/") {
		return nil, nil, false
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	raw, err := enc.DecodeString(body)
	if err != nil {
		return nil, nil, false
	}
	if len(body) < len(text) || (!url && len(text)%4 == 0) {
		enc = enc.WithPadding(base64.StdPadding)
	}
	return raw, enc, true
}

// text replaces the matches of the patterns in text, one pattern after
// the other, and returns how many there were.
func (c *captureRedactor) text(text string) (string, int) {
	n := 0
	for _, p := range c.patterns {
		if !p.re.MatchString(text) {
			continue
		}
		var m int
		text, m = c.replace(p, text)
		n += m
	}
	return text, n
}

// replace replaces the matches of p in text between the placeholders.
func (c *captureRedactor) replace(p valuePattern, text string) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for _, span := range c.placeholders.FindAllStringIndex(text, -1) {
		n += p.replaceIn(&b, text[last:span[0]])
		b.WriteString(text[span[0]:span[1]])
		last = span[1]
	}
	n += p.replaceIn(&b, text[last:])
	return b.String(), n
}

// replaceIn writes text to b with the matches of p replaced and returns
// how many there were. Empty matches are left alone.
func (p valuePattern) replaceIn(b *strings.Builder, text string) int {
	n, last := 0, 0
	for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[2*p.group], m[2*p.group+1]
		if start < 0 || start == end {
			continue
		}
		b.WriteString(text[last:start])
		b.WriteString(p.placeholder)
		last = end
		n++
	}
	b.WriteString(text[last:])
	return n
}
