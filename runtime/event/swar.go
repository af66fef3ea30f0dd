package event

import "encoding/binary"

// Word-at-a-time scanning: plainRun returns the length of the run of bytes
// at the start of b that need no attention inside a JSON string (no '"',
// '\\', control character or non-ASCII byte), checking eight bytes per step.
// It may stop early; callers finish byte by byte.

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func plainRun(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ (lsb * '"')
		bs := w ^ (lsb * '\\')
		special := (q - lsb) &^ q
		special |= (bs - lsb) &^ bs
		special |= (w - lsb*0x20) &^ w // bytes below 0x20 (and some false positives)
		special |= w                   // bytes of 0x80 and above
		if special&msb != 0 {
			break
		}
	}
	return i
}
