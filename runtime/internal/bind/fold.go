package bind

import (
	"unicode"
	"unicode/utf8"
)

// appendFold appends the case-folded form of name to dst: ASCII letters
// upper-cased, other runes mapped to the smallest rune of their simple fold
// orbit. Two names fold equal exactly when encoding/json matches them
// case-insensitively.
func appendFold(dst, name []byte) []byte {
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(name[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += n
	}
	return dst
}

// foldRune returns the smallest rune in r's simple fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// foldEqualASCII reports whether the fold of the ASCII name key equals folded.
func foldEqualASCII(key []byte, folded string) bool {
	if len(key) != len(folded) {
		return false
	}
	for i, c := range key {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != folded[i] {
			return false
		}
	}
	return true
}
