package main

import (
	"bytes"
	"encoding/json"
	"strings"
)

// redactedValue replaces every redacted JSON value.
const redactedValue = `"REDACTED"`

// credentialWords mark member names that hold credentials, compared with
// the name lowercased and stripped of '_', '-' and '.'.
var credentialWords = []string{"password", "passwd", "secret", "token", "apikey", "authorization",
	"privatekey", "credential", "accesskey", "signature"}

// redactor replaces chosen members of JSON documents by "REDACTED",
// leaving every other byte as it was.
//
// A path such as data.body.password names a member by the keys leading to
// it; it matches every member whose key path ends with it (so password
// matches any member named password), keys compared without regard to
// case. Arrays do not count in paths: data.body.password applies to each
// event of a batch. A string holding a JSON object or array (a message
// body) is searched too, its members' paths continuing the string's.
type redactor struct {
	paths [][]string
	// credentials also redacts members whose names look like credentials
	// (see credentialWords).
	credentials bool
}

// newRedactor returns a redactor of the comma-separated paths in list.
func newRedactor(list string, credentials bool) *redactor {
	r := &redactor{credentials: credentials}
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			r.paths = append(r.paths, strings.Split(p, "."))
		}
	}
	return r
}

// redact returns doc, which must be valid JSON, with the chosen members
// replaced, and how many were.
func (r *redactor) redact(doc []byte) ([]byte, int) {
	return r.redactAt(doc, nil)
}

// edit replaces doc[start:end] with text.
type edit struct {
	start, end int
	text       []byte
}

// redactAt is redact for a document found at path.
func (r *redactor) redactAt(doc []byte, path []string) ([]byte, int) {
	w := walker{r: r, s: jsonScanner{b: doc}}
	w.value(path)
	if w.count == 0 {
		return doc, 0
	}
	out := make([]byte, 0, len(doc))
	last := 0
	for _, e := range w.edits {
		out = append(append(out, doc[last:e.start]...), e.text...)
		last = e.end
	}
	return append(out, doc[last:]...), w.count
}

// matches reports whether the member at path is to be redacted.
func (r *redactor) matches(path []string) bool {
	for _, want := range r.paths {
		if len(want) <= len(path) && equalFold(path[len(path)-len(want):], want) {
			return true
		}
	}
	return r.credentials && isCredentialName(path[len(path)-1])
}

func equalFold(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// isCredentialName reports whether a member name looks like one holding
// a credential.
func isCredentialName(name string) bool {
	n := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(name))
	for _, w := range credentialWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// walker collects the edits of one document.
type walker struct {
	r     *redactor
	s     jsonScanner
	edits []edit
	count int
}

// value walks the value at the scanner, found at path.
func (w *walker) value(path []string) {
	w.s.space()
	switch w.s.peek() {
	case '{':
		w.object(path)
	case '[':
		w.s.i++
		for w.s.space(); !w.s.at(']'); w.s.space() {
			if w.s.peek() == ',' {
				w.s.i++
				continue
			}
			w.value(path)
		}
		w.s.i++
	case '"':
		w.str(path)
	default:
		w.s.skipValue()
	}
}

// object walks an object, redacting the members that match.
func (w *walker) object(path []string) {
	w.s.i++
	for w.s.space(); !w.s.at('}'); w.s.space() {
		if w.s.peek() == ',' {
			w.s.i++
			continue
		}
		start := w.s.i
		w.s.skipString()
		var key string
		json.Unmarshal(w.s.b[start:w.s.i], &key)
		w.s.space()
		w.s.i++ // ':'
		w.s.space()
		member := append(path[:len(path):len(path)], key)
		if !w.r.matches(member) {
			w.value(member)
			continue
		}
		vstart := w.s.i
		w.s.skipValue()
		w.edits = append(w.edits, edit{vstart, w.s.i, []byte(redactedValue)})
		w.count++
	}
	w.s.i++
}

// str walks a string, searching it when it holds a JSON object or array.
func (w *walker) str(path []string) {
	start := w.s.i
	w.s.skipString()
	var text string
	if json.Unmarshal(w.s.b[start:w.s.i], &text) != nil {
		return
	}
	inner := strings.TrimSpace(text)
	if inner == "" || (inner[0] != '{' && inner[0] != '[') || !json.Valid([]byte(inner)) {
		return
	}
	out, n := w.r.redactAt([]byte(text), path)
	if n == 0 {
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(string(out))
	w.edits = append(w.edits, edit{start, w.s.i, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))})
	w.count += n
}

// jsonScanner steps through a valid JSON document.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// at reports whether the scanner is at c or at the end of the document.
func (s *jsonScanner) at(c byte) bool { return s.i >= len(s.b) || s.b[s.i] == c }

func (s *jsonScanner) space() {
	for s.i < len(s.b) && strings.IndexByte(" \t\r\n", s.b[s.i]) >= 0 {
		s.i++
	}
}

// skipString steps over the string starting at the scanner.
func (s *jsonScanner) skipString() {
	for s.i++; s.i < len(s.b) && s.b[s.i] != '"'; s.i++ {
		if s.b[s.i] == '\\' {
			s.i++
		}
	}
	s.i++
}

// skipValue steps over the value starting at the scanner.
func (s *jsonScanner) skipValue() {
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			s.skipString()
		case '{', '[':
			depth++
			s.i++
		case '}', ']':
			if depth == 0 {
				return
			}
			depth--
			s.i++
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return
			}
			s.i++
		default:
			s.i++
		}
		if depth == 0 && s.i > 0 && strings.IndexByte("\"}]", s.b[s.i-1]) >= 0 {
			return
		}
	}
}
