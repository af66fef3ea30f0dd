package jsonlex

import (
	"encoding/binary"
	"math/bits"
)

// Eight-bytes-at-a-time scanning of string literals.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// specialMask flags the bytes of w that end a plain run: '"', '\\' and
// control characters, plus bytes >= 0x80 when ascii is set. The lowest
// flagged byte is exact; higher ones may be false positives.
func specialMask(w uint64, ascii bool) uint64 {
	quote := w ^ (lsb * '"')
	slash := w ^ (lsb * '\\')
	m := (quote - lsb) & ^quote
	m |= (slash - lsb) & ^slash
	m |= (w - lsb*0x20) & ^w
	if ascii {
		m |= w
	}
	return m & msb
}

// SkipPlain returns the index of the first '"', '\\' or control byte at or
// after i in data, or len(data). Bytes >= 0x80 are plain.
func SkipPlain(data []byte, i int) int {
	for ; i+8 <= len(data); i += 8 {
		if m := specialMask(binary.LittleEndian.Uint64(data[i:]), false); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(data); i++ {
		if c := data[i]; c == '"' || c == '\\' || c < ' ' {
			return i
		}
	}
	return i
}

// SkipASCII is SkipPlain that also stops at bytes >= 0x80.
func SkipASCII(data []byte, i int) int {
	for ; i+8 <= len(data); i += 8 {
		if m := specialMask(binary.LittleEndian.Uint64(data[i:]), true); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(data); i++ {
		if c := data[i]; c == '"' || c == '\\' || c < ' ' || c >= 0x80 {
			return i
		}
	}
	return i
}

// Hex4 decodes the four hex digits at data[i:], or returns -1.
func Hex4(data []byte, i int) rune {
	if i+4 > len(data) {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
