package bind

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonstr"
)

// unquoteBytes unquotes a JSON string literal that has not been validated
// (the content of a ",string" value), with encoding/json's leniency: it
// also accepts \' and reports false for anything else malformed.
func unquoteBytes(s []byte) ([]byte, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, false
	}
	s = s[1 : len(s)-1]
	r := 0
	for r < len(s) {
		c := s[r]
		if c == '\\' || c == '"' || c < ' ' {
			break
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r += size
	}
	if r == len(s) {
		return s, true
	}
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	b = append(b, s[:r]...)
	for r < len(s) {
		switch c := s[r]; {
		case c == '\\':
			var ok bool
			if b, r, ok = appendLenientEscape(b, s, r); !ok {
				return nil, false
			}
		case c == '"', c < ' ':
			return nil, false
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return b, true
}

// appendLenientEscape decodes the escape at s[r], reporting false if it is
// malformed.
func appendLenientEscape(b, s []byte, r int) ([]byte, int, bool) {
	if r+1 >= len(s) {
		return b, r, false
	}
	switch c := s[r+1]; c {
	case '"', '\\', '/', '\'':
		return append(b, c), r + 2, true
	case 'b':
		return append(b, '\b'), r + 2, true
	case 'f':
		return append(b, '\f'), r + 2, true
	case 'n':
		return append(b, '\n'), r + 2, true
	case 'r':
		return append(b, '\r'), r + 2, true
	case 't':
		return append(b, '\t'), r + 2, true
	case 'u':
		rr := getu4(s, r)
		if rr < 0 {
			return b, r, false
		}
		r += 6
		if utf16.IsSurrogate(rr) {
			if dec := utf16.DecodeRune(rr, getu4(s, r)); dec != unicode.ReplacementChar {
				return utf8.AppendRune(b, dec), r + 6, true
			}
			rr = unicode.ReplacementChar
		}
		return utf8.AppendRune(b, rr), r, true
	}
	return b, r, false
}

// getu4 decodes the \uXXXX escape at s[i], or returns -1.
func getu4(s []byte, i int) rune {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return -1
	}
	return jsonstr.Hex4(s, i+2)
}
