package bind

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonstr"
)

// str decodes the string literal at pos (its opening quote) and moves past
// it. The result aliases data when the literal has no escapes and is valid
// UTF-8; otherwise it is newly allocated.
func (d *decoder) str() ([]byte, error) {
	start := d.pos + 1
	i, done := d.plain(start)
	if done {
		return d.data[start:i], nil
	}
	return d.unescape(nil, start, i)
}

// key decodes an object key like str, but builds unescaped keys in the
// decoder's scratch buffer: the result is only valid until the next key.
func (d *decoder) key() ([]byte, error) {
	start := d.pos + 1
	i, done := d.plain(start)
	if done {
		return d.data[start:i], nil
	}
	s, err := d.unescape(d.scratch[:0], start, i)
	if err == nil {
		d.scratch = s[:0]
	}
	return s, err
}

// plain scans the literal's content from start while it needs no
// unescaping. If the literal ends there, plain moves past the closing quote
// and returns its index with done set; otherwise it returns the index of
// the first byte that needs attention.
func (d *decoder) plain(start int) (i int, done bool) {
	data := d.data
	i = start
	for {
		i = jsonstr.SkipASCII(data, i)
		if i >= len(data) {
			return i, false
		}
		c := data[i]
		if c == '"' {
			d.pos = i + 1
			return i, true
		}
		if c < utf8.RuneSelf {
			return i, false // escape or control character
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i, false
		}
		i += n
	}
}

// unescape validates the literal at pos and decodes it into buf, copying
// data[start:i] verbatim first. Invalid UTF-8 and unpaired surrogates
// become U+FFFD, as in encoding/json.
func (d *decoder) unescape(buf []byte, start, i int) ([]byte, error) {
	if err := d.skipString(); err != nil {
		return nil, err
	}
	data, end := d.data, d.pos-1
	if buf == nil {
		buf = make([]byte, 0, end-start+utf8.UTFMax)
	}
	buf = append(buf, data[start:i]...)
	for i < end {
		switch c := data[i]; {
		case c == '\\':
			buf, i = appendEscape(buf, data, i, end)
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, n := utf8.DecodeRune(data[i:end])
			if r == utf8.RuneError && n == 1 {
				buf = utf8.AppendRune(buf, unicode.ReplacementChar)
			} else {
				buf = append(buf, data[i:i+n]...)
			}
			i += n
		}
	}
	return buf, nil
}

// appendEscape decodes the (validated) escape at data[i] and returns the
// index after it.
func appendEscape(buf, data []byte, i, end int) ([]byte, int) {
	c := data[i+1]
	switch c {
	case 'u':
		r := jsonstr.Hex4(data, i+2)
		i += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < end && data[i] == '\\' && data[i+1] == 'u' {
				r2 = jsonstr.Hex4(data, i+2)
			}
			if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
				return utf8.AppendRune(buf, dec), i + 6
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(buf, r), i
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
	}
	return append(buf, c), i + 2
}

// toString returns b as a string without copying.
func toString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
