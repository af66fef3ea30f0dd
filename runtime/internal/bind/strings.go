package bind

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonstr"
)

// str decodes the string literal at pos (its opening quote), moves past it
// and returns its text as a string of the decoder's own (see arena): it
// never points into data.
func (d *decoder) str() (string, error) {
	b, err := d.view()
	if err != nil {
		return "", err
	}
	return d.copyString(b), nil
}

// copyString returns b, just read, as a string of the decoder's own.
func (d *decoder) copyString(b []byte) string {
	return d.arena.copy(b, len(d.data)-d.pos)
}

// view decodes the string literal at pos like str, but returns bytes that
// alias data when the literal has no escapes and is valid UTF-8, and are
// otherwise unescaped into the decoder's scratch buffer: the result is
// only valid until the next call.
func (d *decoder) view() ([]byte, error) {
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

// Decoded strings are copies: a decoded value never points into the input,
// so keeping any part of it does not keep the input alive. Copying each
// string into an allocation of its own would cost one allocation per
// string; an arena packs the short strings of one Decode call into a few
// chunks instead. Bodies of strings too long for the runtime's tiny
// allocator (BenchmarkDecode/strings) decode about a fifth faster so;
// bodies of tiny strings cost the same either way.
const (
	// packMax is the longest string packed into a chunk. Longer strings
	// get an allocation of their own, so a short string never keeps a long
	// one alive.
	packMax = 128
	// chunkMax bounds a chunk, and so the memory a short string keeps
	// alive: at most chunkMax bytes, shared with other short strings of
	// the same Decode call.
	chunkMax = 512
)

// An arena holds the bytes of the short strings one Decode call produces.
// Strings are cut from a strings.Builder, which never changes bytes once
// written, so they stay valid after the arena moves on to a new chunk.
type arena struct {
	chunk strings.Builder
}

// copy returns a string with the bytes of b that does not share b's
// memory. rest bounds the bytes of the strings still to come (the input
// left to read), which sizes a new chunk.
func (a *arena) copy(b []byte, rest int) string {
	n := len(b)
	switch {
	case n == 0:
		return ""
	case n > packMax:
		return string(b)
	case a.chunk.Cap()-a.chunk.Len() < n:
		a.chunk.Reset()
		a.chunk.Grow(min(n+rest, chunkMax))
	}
	start := a.chunk.Len()
	a.chunk.Write(b)
	return a.chunk.String()[start:]
}
