package remoting

import (
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
)

// Prefixes of the topics the native protocols derive from a group.
const (
	retryPrefix = "%RETRY%"
	dlqPrefix   = "%DLQ%"
)

// splitName maps a resource name as clients send it to a broker instance
// and name: a client namespace (WithNamespace, or the 4.x series' instance
// ID) is written "ns%name", and "%RETRY%ns%group" for derived topics.
func splitName(full string) (instance, name string) {
	prefix, rest := "", full
	for _, p := range []string{retryPrefix, dlqPrefix} {
		if strings.HasPrefix(full, p) {
			prefix, rest = p, full[len(p):]
			break
		}
	}
	if i := strings.LastIndexByte(rest, '%'); i >= 0 {
		return rest[:i], prefix + rest[i+1:]
	}
	return "", full
}

// joinName is the inverse of splitName.
func joinName(instance, name string) string {
	if instance == "" {
		return name
	}
	for _, p := range []string{retryPrefix, dlqPrefix} {
		if strings.HasPrefix(name, p) {
			return p + instance + "%" + name[len(p):]
		}
	}
	return instance + "%" + name
}

// Physical offsets ("commitLogOffset"), which clients hand back in
// SendMessageBack and EndTransaction, are made from a topic number given
// by the server (19 bits), a queue (8 bits) and the queue offset (36
// bits). Topic numbers are kept in memory, so the offsets of messages
// pulled before a restart may name another topic after it; the message
// ID a client sends with them is checked, and a mismatch refused.
const (
	offsetBits = 36
	queueBits  = 8
	topicBits  = 19
)

type topicKey struct{ instance, topic string }

// topicNumbers numbers topics for physical offsets.
type topicNumbers struct {
	mu   sync.Mutex
	nums map[topicKey]int64
	keys []topicKey
}

func (t *topicNumbers) number(k topicKey) (int64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.nums[k]; ok {
		return n, true
	}
	if len(t.keys) >= 1<<topicBits {
		return 0, false
	}
	if t.nums == nil {
		t.nums = map[topicKey]int64{}
	}
	n := int64(len(t.keys))
	t.nums[k] = n
	t.keys = append(t.keys, k)
	return n, true
}

func (t *topicNumbers) topic(n int64) (topicKey, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n < 0 || n >= int64(len(t.keys)) {
		return topicKey{}, false
	}
	return t.keys[n], true
}

// physicalOffset is the commitLogOffset of a message; 0 when it cannot be
// given (too many topics, or an offset beyond 36 bits).
func (s *Server) physicalOffset(instance, topic string, queue int, offset int64) int64 {
	n, ok := s.topicNums.number(topicKey{instance, topic})
	if !ok || queue < 0 || queue >= 1<<queueBits || offset < 0 || offset >= 1<<offsetBits {
		return 0
	}
	return n<<(queueBits+offsetBits) | int64(queue)<<offsetBits | offset
}

// locate reads a physical offset back.
func (s *Server) locate(phys int64) (k topicKey, queue int, offset int64, err error) {
	k, ok := s.topicNums.topic(phys >> (queueBits + offsetBits))
	if !ok || phys <= 0 {
		return k, 0, 0, fmt.Errorf("offset %d names no message of this broker", phys)
	}
	return k, int(phys >> offsetBits & (1<<queueBits - 1)), phys & (1<<offsetBits - 1), nil
}

// offsetMsgID is the broker's message ID of a physical offset: the store
// host's IPv4 address and port and the offset, in hex, as clients parse it
// (UnmarshalMsgID).
func (s *Server) offsetMsgID(phys int64) string {
	var b [16]byte
	copy(b[:4], s.storeIP[:])
	b[4], b[5], b[6], b[7] = byte(s.storePort>>24), byte(s.storePort>>16), byte(s.storePort>>8), byte(s.storePort)
	for i := range 8 {
		b[8+i] = byte(phys >> (56 - 8*i))
	}
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
