package jsonlex

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSkipPlain(t *testing.T) {
	tests := []struct {
		in          string
		plain, asci int
	}{
		{``, 0, 0},
		{`abc"`, 3, 3},
		{`abcdefghijklmno"`, 15, 15},
		{`abcdefghij\n`, 10, 10},
		{"abcdefgh\x01", 8, 8},
		{"abcdé\"", 6, 4},
		{"abcdefghijklmnop", 16, 16},
	}
	for _, tt := range tests {
		if got := SkipPlain([]byte(tt.in), 0); got != tt.plain {
			t.Errorf("SkipPlain(%q) = %d, want %d", tt.in, got, tt.plain)
		}
		if got := SkipASCII([]byte(tt.in), 0); got != tt.asci {
			t.Errorf("SkipASCII(%q) = %d, want %d", tt.in, got, tt.asci)
		}
	}
}

func TestHex4(t *testing.T) {
	for in, want := range map[string]rune{"00e9": 0xe9, "D83D": 0xd83d, "12G4": -1, "123": -1} {
		if got := Hex4([]byte(in), 0); got != want {
			t.Errorf("Hex4(%q) = %#x, want %#x", in, got, want)
		}
	}
}

func TestScanString(t *testing.T) {
	tests := []struct {
		in      string
		end     int
		escaped bool
		bad     int
		err     string
	}{
		{`"abc"`, 5, false, -1, ""},
		{`"a\nb" x`, 6, true, -1, ""},
		{`"é"`, 4, false, -1, ""},
		{"\"a\xffb\"", 5, false, 2, ""},
		{`"\ud83d\ude00"`, 14, true, -1, ""},
		{`"abc`, 0, false, -1, "unterminated string at byte 0"},
		{`"ab\`, 0, false, -1, "unterminated string at byte 0"},
		{`"a\qb"`, 0, false, -1, `invalid escape "\\q" in string at byte 2`},
		{`"\u12G4"`, 0, false, -1, `invalid \u escape in string at byte 1`},
		{"\"a\nb\"", 0, false, -1, `control character '\n' in string at byte 2`},
	}
	for _, tt := range tests {
		end, escaped, bad, err := ScanString([]byte(tt.in), 0)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ScanString(%q): error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || end != tt.end || escaped != tt.escaped || bad != tt.bad {
			t.Errorf("ScanString(%q) = %d, %v, %d, %v; want %d, %v, %d", tt.in, end, escaped, bad, err, tt.end, tt.escaped, tt.bad)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`abc`:                    "abc",
		`a\"b\\c\/d\b\f\n\r\t`:   "a\"b\\c/d\b\f\n\r\t",
		`caf\u00e9 \ud83d\ude00`: "café 😀",
		`\ud800x`:                "\ufffdx",
		`\udc00\ud800`:           "\ufffd\ufffd",
		"é\xff":                  "é\ufffd",
	} {
		if got := string(Unescape(nil, []byte(in))); got != want {
			t.Errorf("Unescape(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(in) {
			continue
		}
		b := []byte(in)
		if got := string(Unescape(b[:0], b)); got != want {
			t.Errorf("Unescape(%q) in place = %q, want %q", in, got, want)
		}
	}
}

func TestUnquoteLenient(t *testing.T) {
	for in, want := range map[string]string{
		`"abc"`: "abc", `"a\'b"`: "a'b", `"\u00e9"`: "é", "\"\xff\"": "\ufffd", `""`: "",
	} {
		if got, ok := UnquoteLenient([]byte(in)); !ok || string(got) != want {
			t.Errorf("UnquoteLenient(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{`abc`, `"a"b"`, `"a\qb"`, `"\u12"`, "\"a\nb\"", `"\`, `"`} {
		if got, ok := UnquoteLenient([]byte(in)); ok {
			t.Errorf("UnquoteLenient(%q) = %q, want failure", in, got)
		}
	}
}

func TestScanNumber(t *testing.T) {
	for in, want := range map[string]struct {
		end     int
		integer bool
		err     string
	}{
		"0":      {1, true, ""},
		"-12,":   {3, true, ""},
		"1.5e+3": {6, false, ""},
		"01":     {1, true, ""},
		"1.":     {0, false, "invalid number: no digits after '.' at byte 1"},
		"1e":     {0, false, "invalid number: no digits in exponent at byte 2"},
		"-":      {0, false, "expected JSON value, found number at byte 0"},
		"x":      {0, false, "expected JSON value, found invalid character 'x' at byte 0"},
	} {
		end, integer, err := ScanNumber([]byte(in), 0)
		if want.err != "" {
			if err == nil || err.Error() != want.err {
				t.Errorf("ScanNumber(%q): error %v, want %q", in, err, want.err)
			}
			continue
		}
		if err != nil || end != want.end || integer != want.integer {
			t.Errorf("ScanNumber(%q) = %d, %v, %v; want %d, %v", in, end, integer, err, want.end, want.integer)
		}
	}
}

func TestSkip(t *testing.T) {
	for _, in := range []string{`{}`, ` [ ] `, `{"a":[1,"x",{"b":null}],"c":true}`, `"\u00e9"`, `-0.5e-3`, "\"\xff\""} {
		end, err := Skip([]byte(in), 0, 3, false)
		if err != nil || SkipSpace([]byte(in), end) != len(in) {
			t.Errorf("Skip(%q) = %d, %v", in, end, err)
		}
		if !Valid([]byte(in), 3) {
			t.Errorf("Valid(%q) = false", in)
		}
	}
	for in, want := range map[string]string{
		`{"a":1,}`:          "expected string key, found invalid character '}' at byte 7",
		`{"a" 1}`:           "expected ':' after object key, found number at byte 5",
		`{"a":1 "b"}`:       "expected ',' or '}' after object member, found string",
		`[1,]`:              "expected array element, found invalid character ']'",
		`[1 2]`:             "expected ',' or ']' after array element, found number",
		`[nul]`:             "invalid literal, expected null at byte 1",
		`[[[[]]]]`:          "nesting deeper than 3 levels at byte 3",
		`{"a":`:             "unexpected end of input in JSON value at byte 5",
		"[\"\xff\"]":        "invalid UTF-8 in string at byte 2",
		`{"a":[1,{"b":x}]}`: "expected JSON value, found invalid character 'x' at byte 13",
	} {
		_, err := Skip([]byte(in), 0, 3, true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Skip(%q): error %v, want %q", in, err, want)
		}
	}
	if Valid([]byte(`{} {}`), 3) || Valid([]byte(``), 3) {
		t.Error("Valid accepts what is not one value")
	}
}
