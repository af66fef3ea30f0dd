package broker

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"hash/fnv"
	"strings"
)

// Kinds of receipt handle.
const (
	handleDelivery byte = 'D' // a delivery to a consumer group
	handleHalf     byte = 'H' // a half message, for commit or rollback
)

// handleBytes is the decoded size: kind, scope, seq, nonce, expiry, CRC.
const handleBytes = 1 + 4 + 8 + 8 + 8 + 4

// handle is the content of a receipt handle. The scope is a hash of the
// subscription (deliveries) or topic (half messages) it was issued for; the
// nonce identifies one delivery or offer; expires is when it stops being
// valid, in ms.
type handle struct {
	kind    byte
	scope   uint32
	seq     uint64
	nonce   uint64
	expires int64
}

// String encodes h as unpadded base64url with a CRC-32 that catches
// corrupted handles.
func (h handle) String() string {
	b := make([]byte, 0, handleBytes)
	b = append(b, h.kind)
	b = binary.BigEndian.AppendUint32(b, h.scope)
	b = binary.BigEndian.AppendUint64(b, h.seq)
	b = binary.BigEndian.AppendUint64(b, h.nonce)
	b = binary.BigEndian.AppendUint64(b, uint64(h.expires))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseHandle decodes a receipt handle of the given kind, returning a
// ReceiptHandleError for anything that is not one.
func parseHandle(s string, kind byte) (handle, *HandleError) {
	bad := func(why string) (handle, *HandleError) {
		return handle{}, handleErr(s, CodeReceiptHandleError, "%s", why)
	}
	if s == "" {
		return bad("empty receipt handle")
	}
	if base64.RawURLEncoding.EncodedLen(handleBytes) != len(s) {
		return bad("not a receipt handle issued by this broker (wrong length)")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != handleBytes {
		return bad("not a receipt handle issued by this broker (bad encoding)")
	}
	body, sum := b[:handleBytes-4], binary.BigEndian.Uint32(b[handleBytes-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("not a receipt handle issued by this broker (bad checksum)")
	}
	h := handle{
		kind:    body[0],
		scope:   binary.BigEndian.Uint32(body[1:]),
		seq:     binary.BigEndian.Uint64(body[5:]),
		nonce:   binary.BigEndian.Uint64(body[13:]),
		expires: int64(binary.BigEndian.Uint64(body[21:])),
	}
	if h.kind != kind {
		if kind == handleHalf {
			return bad("a consumer's receipt handle, not a half message's")
		}
		return bad("a half message's receipt handle, not a consumer's")
	}
	return h, nil
}

// scopeOf hashes a subscription or topic key into a handle scope.
func scopeOf(key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32()
}

// newNonce returns a random non-zero delivery nonce.
func newNonce() uint64 {
	var b [8]byte
	for {
		rand.Read(b[:])
		if n := binary.BigEndian.Uint64(b[:]); n != 0 {
			return n
		}
	}
}

// newMessageID returns 32 random uppercase hex characters.
func newMessageID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
