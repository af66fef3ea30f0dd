package jsonlex

import (
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A SyntaxError reports malformed JSON: what was wrong, and where.
type SyntaxError struct {
	Offset int // index of the offending byte in the data read
	Msg    string
}

func (e *SyntaxError) Error() string {
	return e.Msg + " at byte " + strconv.Itoa(e.Offset)
}

func errAt(i int, msg string) *SyntaxError { return &SyntaxError{Offset: i, Msg: msg} }

// expected reports that what was expected at data[i] is not there.
func expected(data []byte, i int, what string) *SyntaxError {
	if i >= len(data) {
		return errAt(i, "unexpected end of input in JSON value")
	}
	return errAt(i, "expected "+what+", found "+Describe(data, i))
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace, or len(data).
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

// Describe names the value that starts at data[i], for error messages.
func Describe(data []byte, i int) string {
	if i >= len(data) {
		return "end of input"
	}
	switch c := data[i]; c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	default:
		return "invalid character " + strconv.QuoteRune(rune(c))
	}
}

// ScanString validates the string literal whose opening quote is data[i].
// It returns the index after the closing quote, whether the literal has
// escapes, and the index of its first byte that is not valid UTF-8, or -1.
// Invalid UTF-8 is not a syntax error here: encoding/json accepts it (and
// replaces it), while the payload decoder rejects it.
func ScanString(data []byte, i int) (end int, escaped bool, badUTF8 int, err *SyntaxError) {
	badUTF8 = -1
	j := i + 1
	for {
		j = SkipASCII(data, j)
		if j >= len(data) {
			return 0, false, -1, errAt(i, "unterminated string")
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, escaped, badUTF8, nil
		case c == '\\':
			n, err := escape(data, i, j)
			if err != nil {
				return 0, false, -1, err
			}
			escaped = true
			j += n
		case c < ' ':
			return 0, false, -1, errAt(j, "control character "+strconv.QuoteRune(rune(c))+" in string")
		default:
			r, n := utf8.DecodeRune(data[j:])
			if r == utf8.RuneError && n == 1 && badUTF8 < 0 {
				badUTF8 = j
			}
			j += n
		}
	}
}

// skipString is ScanString without the UTF-8 check, for skipped values
// that may hold invalid UTF-8.
func skipString(data []byte, i int) (int, *SyntaxError) {
	j := i + 1
	for {
		j = SkipPlain(data, j)
		if j >= len(data) {
			return 0, errAt(i, "unterminated string")
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			n, err := escape(data, i, j)
			if err != nil {
				return 0, err
			}
			j += n
		default:
			return 0, errAt(j, "control character "+strconv.QuoteRune(rune(c))+" in string")
		}
	}
}

// escape validates the escape sequence at data[j], in the literal that
// opens at data[i], and returns its length.
func escape(data []byte, i, j int) (int, *SyntaxError) {
	if j+1 >= len(data) {
		return 0, errAt(i, "unterminated string")
	}
	switch data[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		if Hex4(data, j+2) >= 0 {
			return 6, nil
		}
		return 0, errAt(j, `invalid \u escape in string`)
	}
	return 0, errAt(j, "invalid escape "+strconv.Quote(string(data[j:j+2]))+" in string")
}

// Unescape appends the text of s, the content of a literal ScanString
// accepted (without its quotes), to dst. Bytes that are not valid UTF-8
// and unpaired surrogates become U+FFFD, as in encoding/json.
//
// dst may be s[:0] when s is valid UTF-8: the text is never longer than
// the literal, and each byte is written at or before the byte it comes
// from, so s is unescaped in place.
func Unescape(dst, s []byte) []byte {
	i := 0
	for i < len(s) {
		j := SkipASCII(s, i)
		dst = append(dst, s[i:j]...)
		if i = j; i >= len(s) {
			break
		}
		if s[i] == '\\' {
			dst, i = appendEscape(dst, s, i)
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, unicode.ReplacementChar)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// appendEscape decodes the valid escape at s[i] into dst and returns the
// index after it. A \u escape of a high surrogate followed by one of a low
// surrogate decodes as the pair; an unpaired surrogate as U+FFFD.
func appendEscape(dst, s []byte, i int) ([]byte, int) {
	c := s[i+1]
	switch c {
	case 'u':
		r := Hex4(s, i+2)
		i += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				r2 = Hex4(s, i+2)
			}
			if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
				return utf8.AppendRune(dst, dec), i + 6
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(dst, r), i
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
	return append(dst, c), i + 2
}

// UnquoteLenient unquotes s, a JSON string literal with its quotes that
// has not been validated (the content of a ",string" value), with
// encoding/json's leniency: it also accepts \' and invalid UTF-8 (which
// becomes U+FFFD), and reports false for anything else malformed. When s
// needs no unescaping the result is a view of s.
func UnquoteLenient(s []byte) ([]byte, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, false
	}
	s = s[1 : len(s)-1]
	r := SkipASCII(s, 0)
	for r < len(s) {
		if c := s[r]; c < utf8.RuneSelf {
			break
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r = SkipASCII(s, r+size)
	}
	if r == len(s) {
		return s, true
	}
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	b = append(b, s[:r]...)
	for r < len(s) {
		switch c := s[r]; {
		case c == '\\':
			if r+1 < len(s) && s[r+1] == '\'' {
				b, r = append(b, '\''), r+2
				continue
			}
			if n, err := escape(s, r, r); err != nil || n == 0 {
				return nil, false
			}
			b, r = appendEscape(b, s, r)
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

// ScanNumber validates the number literal that starts at data[i] and
// returns the index after it. integer reports that it has no fraction or
// exponent.
func ScanNumber(data []byte, i int) (end int, integer bool, err *SyntaxError) {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	switch {
	case j < len(data) && data[j] == '0':
		j++
	case j < len(data) && '1' <= data[j] && data[j] <= '9':
		j = digits(data, j+1)
	default:
		return 0, false, expected(data, i, "JSON value")
	}
	integer = true
	if j < len(data) && data[j] == '.' {
		k := digits(data, j+1)
		if k == j+1 {
			return 0, false, errAt(j, "invalid number: no digits after '.'")
		}
		j, integer = k, false
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		j++
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		k := digits(data, j)
		if k == j {
			return 0, false, errAt(j, "invalid number: no digits in exponent")
		}
		j, integer = k, false
	}
	return j, integer, nil
}

func digits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// Skip validates the JSON value at or after data[i] (after whitespace) and
// returns the index after it. Arrays and objects may nest maxDepth levels
// deep. strictUTF8 makes strings that are not valid UTF-8 an error.
func Skip(data []byte, i, maxDepth int, strictUTF8 bool) (int, *SyntaxError) {
	s := skipper{data: data, max: maxDepth, strict: strictUTF8}
	return s.value(i, 0)
}

// Valid reports whether data is one JSON value, with optional whitespace
// around it, nesting at most maxDepth levels deep.
func Valid(data []byte, maxDepth int) bool {
	end, err := Skip(data, 0, maxDepth, false)
	return err == nil && SkipSpace(data, end) == len(data)
}

type skipper struct {
	data   []byte
	max    int
	strict bool
}

func (s *skipper) value(i, depth int) (int, *SyntaxError) {
	data := s.data
	i = SkipSpace(data, i)
	if i >= len(data) {
		return i, errAt(i, "unexpected end of input in JSON value")
	}
	switch data[i] {
	case '{':
		return s.object(i, depth+1)
	case '[':
		return s.array(i, depth+1)
	case '"':
		if !s.strict {
			return skipString(data, i)
		}
		end, _, bad, err := ScanString(data, i)
		if err == nil && bad >= 0 {
			err = errAt(bad, "invalid UTF-8 in string")
		}
		return end, err
	case 't':
		return literal(data, i, "true")
	case 'f':
		return literal(data, i, "false")
	case 'n':
		return literal(data, i, "null")
	}
	end, _, err := ScanNumber(data, i)
	return end, err
}

func literal(data []byte, i int, lit string) (int, *SyntaxError) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return i, errAt(i, "invalid literal, expected "+lit)
	}
	return i + len(lit), nil
}

func (s *skipper) deep(i int) *SyntaxError {
	return errAt(i, "nesting deeper than "+strconv.Itoa(s.max)+" levels")
}

func (s *skipper) object(i, depth int) (int, *SyntaxError) {
	if depth > s.max {
		return i, s.deep(i)
	}
	data := s.data
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return i, expected(data, i, "string key")
		}
		var err *SyntaxError
		if i, err = s.value(i, depth); err != nil {
			return i, err
		}
		if i = SkipSpace(data, i); i >= len(data) || data[i] != ':' {
			return i, expected(data, i, "':' after object key")
		}
		if i, err = s.value(i+1, depth); err != nil {
			return i, err
		}
		switch i = SkipSpace(data, i); {
		case i < len(data) && data[i] == ',':
			i = SkipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return i + 1, nil
		default:
			return i, expected(data, i, "',' or '}' after object member")
		}
	}
}

func (s *skipper) array(i, depth int) (int, *SyntaxError) {
	if depth > s.max {
		return i, s.deep(i)
	}
	data := s.data
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err *SyntaxError
		if i, err = s.value(i, depth); err != nil {
			return i, err
		}
		switch i = SkipSpace(data, i); {
		case i < len(data) && data[i] == ',':
			if i = SkipSpace(data, i+1); i < len(data) && data[i] == ']' {
				return i, expected(data, i, "array element")
			}
		case i < len(data) && data[i] == ']':
			return i + 1, nil
		default:
			return i, expected(data, i, "',' or ']' after array element")
		}
	}
}
