package event

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonstr"
)

// str reads a string value and returns it as a view of the buffer.
func (s *scanner) str() string {
	if s.err == nil {
		buf, start := s.buf, s.pos+1
		j := jsonstr.SkipASCII(buf, start)
		if j < len(buf) && buf[j] == '"' && j > start {
			s.pos = j + 1
			return unsafe.String(&buf[start], j-start)
		}
	}
	b := s.strBytes()
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// strBytes reads a string value (the next byte must be '"') and returns its
// unescaped contents as a view of the buffer, with capacity limited so that
// appends cannot overwrite what follows.
func (s *scanner) strBytes() []byte {
	if s.err != nil {
		return nil
	}
	buf := s.buf
	start := s.pos + 1
	for i := jsonstr.SkipASCII(buf, start); i < len(buf); i++ {
		c := buf[i]
		if plain[c] {
			continue
		}
		if c == '"' {
			s.pos = i + 1
			return buf[start:i:i]
		}
		return s.strSlow(start, i)
	}
	s.failAt(start-1, "unterminated string")
	return nil
}

// plain marks the bytes a string can hold without any special treatment.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// strSlow handles a string from the first byte that needs attention: an
// escape, a control character or a non-ASCII byte. It unescapes in place,
// writing at w while reading at r (w <= r always holds).
func (s *scanner) strSlow(start, r int) []byte {
	buf := s.buf
	w := r
	for r < len(buf) {
		c := buf[r]
		switch {
		case c == '"':
			s.pos = r + 1
			return buf[start:w:w]
		case c == '\\':
			n, size := s.unescape(r, w)
			if size == 0 {
				return nil
			}
			r += size
			w += n
		case c < 0x20:
			s.failAt(r, "control character "+strconv.QuoteRune(rune(c))+" in string")
			return nil
		case c < utf8.RuneSelf:
			buf[w] = c
			r++
			w++
		default:
			rn, size := utf8.DecodeRune(buf[r:])
			if rn == utf8.RuneError && size == 1 {
				s.failAt(r, "invalid UTF-8 in string")
				return nil
			}
			copy(buf[w:], buf[r:r+size])
			r += size
			w += size
		}
	}
	s.failAt(start-1, "unterminated string")
	return nil
}

// unescape decodes the escape sequence at buf[r] into buf[w:], returning the
// number of bytes written and read (read is 0 on error).
func (s *scanner) unescape(r, w int) (written, read int) {
	buf := s.buf
	if r+1 >= len(buf) {
		s.failAt(len(buf), "unterminated string")
		return 0, 0
	}
	var c byte
	switch buf[r+1] {
	case '"', '\\', '/':
		c = buf[r+1]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		return s.unescapeU(r, w)
	default:
		s.failAt(r, "invalid escape "+strconv.Quote(string(buf[r:r+2]))+" in string")
		return 0, 0
	}
	buf[w] = c
	return 1, 2
}

// unescapeU decodes \uXXXX, joining surrogate pairs; lone surrogates become
// U+FFFD, as encoding/json does.
func (s *scanner) unescapeU(r, w int) (written, read int) {
	rn, ok := hex4(s.buf, r+2)
	if !ok {
		s.failAt(r, "invalid \\u escape in string")
		return 0, 0
	}
	read = 6
	if utf16.IsSurrogate(rn) {
		rn2, ok := rune(-1), false
		if r+7 < len(s.buf) && s.buf[r+6] == '\\' && s.buf[r+7] == 'u' {
			rn2, ok = hex4(s.buf, r+8)
		}
		if dec := utf16.DecodeRune(rn, rn2); ok && dec != utf8.RuneError {
			rn, read = dec, 12
		} else {
			rn = utf8.RuneError
		}
	}
	return utf8.EncodeRune(s.buf[w:], rn), read
}

func hex4(b []byte, i int) (rune, bool) {
	r := jsonstr.Hex4(b, i)
	return r, r >= 0
}

// key reads an object key without modifying the buffer, so that objects
// whose bytes are kept whole (unknown data) stay intact. Keys with escapes,
// which are rare, are unescaped into a copy.
func (s *scanner) key() string {
	buf, start := s.buf, s.pos+1
	for i := jsonstr.SkipASCII(buf, start); i < len(buf); i++ {
		c := buf[i]
		if plain[c] {
			continue
		}
		if c == '"' {
			s.pos = i + 1
			if i == start {
				return ""
			}
			return unsafe.String(&buf[start], i-start)
		}
		break
	}
	begin := s.pos
	s.skipString()
	if s.err != nil {
		return ""
	}
	sub := scanner{buf: bytes.Clone(buf[begin:s.pos])}
	return sub.str()
}
