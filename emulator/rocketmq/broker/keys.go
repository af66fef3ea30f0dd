package broker

import (
	"encoding/binary"
	"strings"
)

// Buckets of the store. Names are validated to exclude NUL, which
// separates the parts of a key.
const (
	bucketTopic = "rocketmq.topic"  // instance NUL topic → 1
	bucketGroup = "rocketmq.group"  // instance NUL group → 1
	bucketSub   = "rocketmq.sub"    // instance NUL topic NUL group → 1
	bucketMsg   = "rocketmq.msg"    // topic key NUL seq → message record
	bucketAck   = "rocketmq.ack"    // sub key NUL seq → ackAcked or ackSkipped
	bucketDead  = "rocketmq.dead"   // sub key NUL seq → dead-letter record
	bucketHalf  = "rocketmq.half"   // topic key NUL seq → nonce + message record
	bucketQPos  = "rocketmq.qpos"   // topic key NUL seq → queue offset of a delayed message, once due
	bucketOff   = "rocketmq.offset" // sub key NUL queue → committed offset
)

// Values of ack records.
const (
	ackAcked   byte = 'a'
	ackSkipped byte = 's'
)

// topicID names a topic within an instance.
type topicID struct{ instance, topic string }

// key is the store key of the topic and the prefix of its messages.
func (t topicID) key() string { return t.instance + "\x00" + t.topic }

// groupID names a group within an instance.
type groupID struct{ instance, group string }

func (g groupID) key() string { return g.instance + "\x00" + g.group }

// subKey is the store key of a group's subscription to a topic.
func subKey(t topicID, group string) string { return t.key() + "\x00" + group }

// seqKey appends a big-endian sequence number to prefix, so keys of one
// prefix sort by sequence.
func seqKey(prefix string, seq uint64) []byte {
	k := make([]byte, 0, len(prefix)+9)
	k = append(k, prefix...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// parseSeqKey splits a key made by seqKey.
func parseSeqKey(k []byte) (prefix string, seq uint64, ok bool) {
	if len(k) < 9 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return string(k[:len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// splitKey splits a NUL-separated key into exactly n parts.
func splitKey(k string, n int) ([]string, bool) {
	parts := strings.Split(k, "\x00")
	return parts, len(parts) == n
}
