package broker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Record format versions of encoded messages: version 2 adds the queue
// and queue offset, version 3 the protocol.
const (
	recordVersion1 = 1
	recordVersion2 = 2
	recordVersion  = 3
)

// encodeMessage serializes m: a version byte, length-prefixed strings,
// varint numbers, the properties sorted by key, and the body last.
func encodeMessage(m *Message) []byte {
	n := 64 + len(m.Body) + len(m.ID) + len(m.Instance) + len(m.Topic) + len(m.Tag) +
		len(m.Keys) + len(m.ShardingKey) + len(m.BodyMD5) + len(m.Protocol)
	for k, v := range m.Properties {
		n += len(k) + len(v) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, recordVersion)
	for _, s := range []string{m.ID, m.Instance, m.Topic, m.Tag, m.Keys, m.ShardingKey, m.BodyMD5} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, m.StartDeliverTime)
	b = binary.AppendVarint(b, int64(m.TransCheckImmunity))
	b = binary.AppendVarint(b, m.PublishTime)
	b = binary.AppendVarint(b, int64(m.QueueID))
	b = binary.AppendVarint(b, m.QueueOffset)
	b = appendString(b, m.Protocol)
	b = binary.AppendUvarint(b, uint64(len(m.Properties)))
	for _, k := range slices.Sorted(maps.Keys(m.Properties)) {
		b = appendString(b, k)
		b = appendString(b, m.Properties[k])
	}
	return appendString(b, string(m.Body))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads an encoded record, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("record truncated")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes returns the next length-prefixed field, aliasing the record.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string { return string(d.bytes()) }

// decodeMessage parses a record written by encodeMessage. Without
// withBody it leaves Body nil; with it, Body is a copy.
func decodeMessage(rec []byte, withBody bool) (Message, error) {
	var m Message
	if len(rec) == 0 || rec[0] < recordVersion1 || rec[0] > recordVersion {
		return m, fmt.Errorf("broker: message record: unknown format")
	}
	d := &decoder{b: rec[1:]}
	for _, p := range []*string{&m.ID, &m.Instance, &m.Topic, &m.Tag, &m.Keys, &m.ShardingKey, &m.BodyMD5} {
		*p = d.string()
	}
	m.StartDeliverTime = d.varint()
	m.TransCheckImmunity = int(d.varint())
	m.PublishTime = d.varint()
	m.QueueID, m.QueueOffset = -1, -1 // version 1: recovery assigns them
	if rec[0] >= recordVersion2 {
		m.QueueID, m.QueueOffset = int(d.varint()), d.varint()
	}
	if rec[0] >= recordVersion {
		m.Protocol = d.string()
	}
	if n := d.uvarint(); n > 0 && d.err == nil {
		m.Properties = make(map[string]string, min(n, 1024))
		for i := uint64(0); i < n && d.err == nil; i++ {
			k := d.string()
			m.Properties[k] = d.string()
		}
	}
	body := d.bytes()
	if d.err != nil {
		return Message{}, fmt.Errorf("broker: message record: %w", d.err)
	}
	if withBody {
		m.Body = append([]byte{}, body...)
	}
	return m, nil
}
