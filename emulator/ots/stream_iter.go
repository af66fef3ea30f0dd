package ots

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// A shard iterator names a position in a shard: the stream, the shard and
// the sequence number of the next record to read, base64url-encoded. It
// is the same string for the same position however it was obtained, and
// it stays valid until the record at its position expires: a reader that
// asks again from where it is and gets nothing new is handed back the
// iterator it sent (the SDKs stop reading on that).
type shardIterator struct {
	stream string
	shard  string
	pos    uint64
}

// maxIteratorLen bounds the iterators parsed: far over any the server
// hands out.
const maxIteratorLen = 1024

func (it shardIterator) String() string {
	raw := it.stream + "|" + it.shard + "|" + strconv.FormatUint(it.pos, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseShardIterator parses an iterator, reporting whether it is one this
// server writes.
func parseShardIterator(s string) (shardIterator, bool) {
	if s == "" || len(s) > maxIteratorLen || strings.ContainsFunc(s, notBase64URL) {
		return shardIterator{}, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return shardIterator{}, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return shardIterator{}, false
	}
	pos, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil || pos == 0 || strconv.FormatUint(pos, 10) != parts[2] {
		return shardIterator{}, false
	}
	return shardIterator{stream: parts[0], shard: parts[1], pos: pos}, true
}

// notBase64URL reports whether r is outside the base64url alphabet (the
// decoder would skip line breaks, which would give a position two
// iterators).
func notBase64URL(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_')
}
