package main

import (
	"bytes"
	"encoding/json"
	"strings"
)

// jsonEditor walks a valid JSON document and rewrites the parts its hooks
// choose, leaving every other byte as it was. Paths are the member names
// leading to a value; arrays do not count.
type jsonEditor struct {
	// replace, if set, is asked for each member: a non-nil result
	// replaces the member's whole value, which is not walked.
	replace func(path []string) []byte
	// str, if set, is given the text of each string value (and, with
	// keys, of each member name) found at path; n > 0 replaces the
	// string with the JSON string of out.
	str  func(text string, path []string) (out string, n int)
	keys bool
}

// edit replaces doc[start:end] with text.
type edit struct {
	start, end int
	text       []byte
}

// edit returns doc edited, and the number of replacements the hooks
// counted.
func (e jsonEditor) edit(doc []byte, path []string) ([]byte, int) {
	w := jsonWalk{e: e, s: jsonScanner{b: doc}}
	w.value(path)
	if w.count == 0 {
		return doc, 0
	}
	out := make([]byte, 0, len(doc))
	last := 0
	for _, ed := range w.edits {
		out = append(append(out, doc[last:ed.start]...), ed.text...)
		last = ed.end
	}
	return append(out, doc[last:]...), w.count
}

// jsonWalk collects the edits of one document.
type jsonWalk struct {
	e     jsonEditor
	s     jsonScanner
	edits []edit
	count int
}

// value walks the value at the scanner, found at path.
func (w *jsonWalk) value(path []string) {
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
		w.str(path, true)
	default:
		w.s.skipValue()
	}
}

// object walks an object's members.
func (w *jsonWalk) object(path []string) {
	w.s.i++
	for w.s.space(); !w.s.at('}'); w.s.space() {
		if w.s.peek() == ',' {
			w.s.i++
			continue
		}
		key := w.str(path, w.e.keys)
		w.s.space()
		w.s.i++ // ':'
		w.s.space()
		member := append(path[:len(path):len(path)], key)
		if w.e.replace != nil {
			if text := w.e.replace(member); text != nil {
				start := w.s.i
				w.s.skipValue()
				w.edits = append(w.edits, edit{start, w.s.i, text})
				w.count++
				continue
			}
		}
		w.value(member)
	}
	w.s.i++
}

// str steps over the string at the scanner, giving its text to the str
// hook when hook is set, and returns the text as it was.
func (w *jsonWalk) str(path []string, hook bool) string {
	start := w.s.i
	w.s.skipString()
	var text string
	if json.Unmarshal(w.s.b[start:w.s.i], &text) != nil {
		return ""
	}
	if hook && w.e.str != nil {
		if out, n := w.e.str(text, path); n > 0 {
			w.edits = append(w.edits, edit{start, w.s.i, quoteJSON(out)})
			w.count += n
		}
	}
	return text
}

// quoteJSON returns s as a JSON string, without escaping HTML.
func quoteJSON(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
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
