package bind

import (
	"strings"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonlex"
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
// only valid until the next call. Invalid UTF-8 and unpaired surrogates
// become U+FFFD, as in encoding/json.
func (d *decoder) view() ([]byte, error) {
	data, start := d.data, d.pos+1
	if i := jsonlex.SkipASCII(data, start); i < len(data) && data[i] == '"' {
		d.pos = i + 1
		return data[start:i], nil
	}
	end, escaped, bad, err := jsonlex.ScanString(data, d.pos)
	if err != nil {
		return nil, errSyntax
	}
	d.pos = end
	content := data[start : end-1]
	if !escaped && bad < 0 {
		return content, nil
	}
	s := jsonlex.Unescape(d.scratch[:0], content)
	d.scratch = s[:0]
	return s, nil
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
