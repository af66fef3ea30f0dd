package event

import "github.com/rocketfn/rocketfn/runtime/internal/jsonlex"

// scanner is a small JSON reader over a buffer it owns. Strings without
// escapes are returned as views of the buffer; strings with escapes are
// unescaped in place (the unescaped form is never longer), so decoding a
// payload costs one copy of it and no allocation per string.
//
// Errors are sticky: after the first one every method is a no-op, so callers
// read a whole object and check err once.
type scanner struct {
	buf  []byte
	pos  int
	base int          // offset of buf[0] in the original payload, for error offsets
	err  *DecodeError // a syntax error: decoding stops
	bad  *DecodeError // valid JSON that is not a valid event: the element fails
	st   *state
	// sawEvent records that an object with an event's members was met,
	// so that a syntax error is that of a broken event, not of input
	// that holds no event (ErrNotEvent).
	sawEvent bool

	// where names the value being read, for error messages:
	// prefix and key are joined lazily, only when an error is reported.
	prefix, name string
	index        int // element index in a batch, or -1
}

// maxDepth bounds the nesting of skipped values, so hostile input cannot
// exhaust the stack.
const maxDepth = 512

// at records which field the next value belongs to.
func (s *scanner) at(prefix, name string) { s.prefix, s.name = prefix, name }

func (s *scanner) field() string {
	switch {
	case s.prefix == "":
		return s.name
	case s.name == "":
		return s.prefix
	}
	return s.prefix + "." + s.name
}

func (s *scanner) fail(msg string) {
	if s.err == nil {
		s.err = &DecodeError{Index: s.index, Field: s.field(), Offset: s.base + s.pos, Msg: msg}
	}
}

func (s *scanner) failAt(pos int, msg string) {
	s.pos = pos
	s.fail(msg)
}

// ws skips insignificant whitespace and reports whether input remains.
func (s *scanner) ws() bool {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\n', '\r', '\t':
			s.pos++
		default:
			return true
		}
	}
	return false
}

// peek returns the next significant byte, or 0 at the end of input.
func (s *scanner) peek() byte {
	if s.err != nil || !s.ws() {
		return 0
	}
	return s.buf[s.pos]
}

func (s *scanner) eof(what string) {
	s.fail("unexpected end of input in " + what)
}

// open consumes the opening byte c ('{' or '[') of a composite value.
func (s *scanner) open(c byte, what string) bool {
	switch s.peek() {
	case c:
		s.pos++
		return true
	case 0:
		if s.err == nil {
			s.eof(what)
		}
	default:
		s.fail("expected " + what + ", found " + s.kindAt())
	}
	return false
}

// member advances to the next member of an object opened with open and
// returns its key. n counts members read so far; member returns false at the
// closing brace or on error.
func (s *scanner) member(n *int) (string, bool) {
	if key, ok := s.memberFast(n); ok {
		return key, true
	}
	if !s.nextKey(n) {
		return "", false
	}
	key := s.key()
	return key, s.colon()
}

// memberFast reads the next member's key when the input is in the common
// compact form: no whitespace, a key without escapes. Otherwise it changes
// nothing and reports false, and member takes the general path.
func (s *scanner) memberFast(n *int) (string, bool) {
	buf, i := s.buf, s.pos
	if s.err != nil || i >= len(buf) {
		return "", false
	}
	if *n > 0 {
		if buf[i] != ',' {
			return "", false
		}
		i++
	}
	if i >= len(buf) || buf[i] != '"' {
		return "", false
	}
	start := i + 1
	j := jsonlex.SkipASCII(buf, start)
	if j+1 >= len(buf) || buf[j] != '"' || buf[j+1] != ':' || j == start {
		return "", false
	}
	s.pos = j + 2
	*n++
	return view(buf[start:j]), true
}

// nextKey consumes the separator before an object key and reports whether a
// key follows.
func (s *scanner) nextKey(n *int) bool {
	c := s.peek()
	if c == '}' {
		s.pos++
		return false
	}
	if *n > 0 {
		if c != ',' {
			s.expected("',' or '}' after object member")
			return false
		}
		s.pos++
		c = s.peek()
	}
	if c != '"' {
		s.expected("string key")
		return false
	}
	*n++
	return true
}

func (s *scanner) colon() bool {
	if s.peek() != ':' {
		s.expected("':' after object key")
		return false
	}
	s.pos++
	s.ws()
	return s.err == nil
}

// next advances to the next element of an array opened with open.
func (s *scanner) next(n *int) bool {
	c := s.peek()
	if c == ']' {
		s.pos++
		return false
	}
	if *n > 0 {
		if c != ',' {
			s.expected("',' or ']' after array element")
			return false
		}
		s.pos++
		if s.peek() == ']' {
			s.expected("array element")
			return false
		}
	}
	*n++
	return s.err == nil
}

func (s *scanner) expected(what string) {
	if s.err != nil {
		return
	}
	if s.pos >= len(s.buf) {
		s.eof("JSON value")
		return
	}
	s.fail("expected " + what + ", found " + s.kindAt())
}

// kindAt describes the value starting at pos, for error messages.
func (s *scanner) kindAt() string { return jsonlex.Describe(s.buf, s.pos) }
