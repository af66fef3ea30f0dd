package event

import "github.com/rocketfn/rocketfn/runtime/internal/jsonlex"

// str reads a string value and returns it as a view of the buffer.
func (s *scanner) str() string {
	if s.err == nil {
		buf, start := s.buf, s.pos+1
		j := jsonlex.SkipASCII(buf, start)
		if j < len(buf) && buf[j] == '"' {
			s.pos = j + 1
			return view(buf[start:j])
		}
	}
	return view(s.strBytes())
}

// strBytes reads a string value (the next byte must be '"') and returns its
// unescaped contents as a view of the buffer, with capacity limited so that
// appends cannot overwrite what follows. Escapes are unescaped in place:
// the unescaped text is never longer than the literal.
func (s *scanner) strBytes() []byte {
	if s.err != nil {
		return nil
	}
	content, escaped := s.literal()
	if s.err != nil || !escaped {
		return content
	}
	text := jsonlex.Unescape(content[:0], content)
	return text[:len(text):len(text)]
}

// literal validates the string literal at pos, moves past it and returns
// its content (between the quotes), without unescaping it. Invalid UTF-8
// is an error.
func (s *scanner) literal() (content []byte, escaped bool) {
	buf, q := s.buf, s.pos
	if j := jsonlex.SkipASCII(buf, q+1); j < len(buf) && buf[j] == '"' {
		s.pos = j + 1
		return buf[q+1 : j : j], false
	}
	end, escaped, bad, err := jsonlex.ScanString(buf, q)
	switch {
	case err != nil:
		s.failAt(err.Offset, err.Msg)
		return nil, false
	case bad >= 0:
		s.failAt(bad, "invalid UTF-8 in string")
		return nil, false
	}
	s.pos = end
	return buf[q+1 : end-1 : end-1], escaped
}

// key reads an object key without modifying the buffer, so that objects
// whose bytes are kept whole (unknown data) stay intact. Keys with escapes,
// which are rare, are unescaped into a copy.
func (s *scanner) key() string {
	content, escaped := s.literal()
	if !escaped {
		return view(content)
	}
	return string(jsonlex.Unescape(nil, content))
}
