package event

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonstr"
)

// skip reads and validates any JSON value without keeping it, and returns
// its raw bytes. Strings inside are validated but not unescaped, so the raw
// bytes stay valid JSON.
func (s *scanner) skip() []byte {
	c := s.peek()
	start := s.pos
	switch c {
	case '{':
		s.skipComposite('{', '}')
	case '[':
		s.skipComposite('[', ']')
	case '"':
		s.skipString()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case 0:
		if s.err == nil {
			s.eof("JSON value")
		}
	default:
		s.number()
	}
	if s.err != nil {
		return nil
	}
	return s.buf[start:s.pos:s.pos]
}

func (s *scanner) skipComposite(open, close byte) {
	if s.depth++; s.depth > maxDepth {
		s.fail("nesting deeper than 512 levels")
		return
	}
	s.pos++
	n := 0
	if open == '{' {
		for {
			if !s.memberSkip(&n) {
				break
			}
			s.skip()
		}
	} else {
		for s.next(&n) {
			s.skip()
		}
	}
	s.depth--
}

// skipString validates a string without modifying the buffer.
func (s *scanner) skipString() {
	buf, start := s.buf, s.pos
	for i := jsonstr.SkipASCII(buf, start+1); i < len(buf); i++ {
		c := buf[i]
		if plain[c] {
			continue
		}
		switch {
		case c == '"':
			s.pos = i + 1
			return
		case c == '\\':
			if i+1 >= len(buf) {
				s.failAt(start, "unterminated string")
				return
			}
			switch buf[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if _, ok := hex4(buf, i+2); !ok {
					s.failAt(i, "invalid \\u escape in string")
					return
				}
				i += 5
			default:
				s.failAt(i, "invalid escape "+strconv.Quote(string(buf[i:i+2]))+" in string")
				return
			}
		case c < 0x20:
			s.failAt(i, "control character in string")
			return
		default:
			r, size := utf8.DecodeRune(buf[i:])
			if r == utf8.RuneError && size == 1 {
				s.failAt(i, "invalid UTF-8 in string")
				return
			}
			i += size - 1
		}
	}
	s.failAt(start, "unterminated string")
}

func (s *scanner) literal(lit string) {
	if len(s.buf)-s.pos < len(lit) || string(s.buf[s.pos:s.pos+len(lit)]) != lit {
		s.fail("invalid literal, expected " + lit)
		return
	}
	s.pos += len(lit)
}

// number validates a JSON number and returns its text.
func (s *scanner) number() string {
	buf, start := s.buf, s.pos
	i := start
	if i < len(buf) && buf[i] == '-' {
		i++
	}
	switch {
	case i < len(buf) && buf[i] == '0':
		i++
	case i < len(buf) && '1' <= buf[i] && buf[i] <= '9':
		i = digits(buf, i)
	default:
		s.expected("JSON value")
		return ""
	}
	if i < len(buf) && buf[i] == '.' {
		if j := digits(buf, i+1); j > i+1 {
			i = j
		} else {
			s.failAt(i, "invalid number: no digits after '.'")
			return ""
		}
	}
	if i < len(buf) && (buf[i] == 'e' || buf[i] == 'E') {
		i++
		if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
			i++
		}
		j := digits(buf, i)
		if j == i {
			s.failAt(i, "invalid number: no digits in exponent")
			return ""
		}
		i = j
	}
	s.pos = i
	return unsafe.String(&buf[start], i-start)
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
