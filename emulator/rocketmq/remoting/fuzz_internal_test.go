package remoting

import (
	"bytes"
	"encoding/binary"
	"maps"
	"strings"
	"testing"
)

// batchMessage encodes one message of a batch as rocketmq-client-go's
// Message.Marshal does: total size, magic code and body CRC (0 from that
// client), flag, body length and body, properties length (2 bytes) and
// properties.
func batchMessage(flag uint32, body []byte, props string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(4+4+4+4+4+len(body)+2+len(props)))
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, flag)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(props)))
	return append(b, props...)
}

// FuzzParseProperties parses arbitrary properties strings: it never
// panics, it fails exactly when a non-empty item between \x02 separators
// is not key\x01value with a non-empty key and one \x01, and what it
// parses writes back (appendProperties) and parses to the same map.
func FuzzParseProperties(f *testing.F) {
	for _, s := range []string{
		"", "\x02", "TAGS\x01created\x02", "TAGS\x01a\x02KEYS\x01k1 k2\x02UNIQ_KEY\x01ID\x02",
		"k\x01v", "k\x01", "\x01v\x02", "k", "k\x01v\x01w\x02", "a\x01b\x02\x02c\x01d", "k\x011\x02k\x012\x02",
		"DELAY\x013\x02__STARTDELIVERTIME\x01123\x02ü\x01\xff\x02",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		props, err := parseProperties(s)
		malformed := false
		for _, item := range strings.Split(s, "\x02") {
			if item != "" && (strings.Count(item, "\x01") != 1 || item[0] == '\x01') {
				malformed = true
			}
		}
		if (err != nil) != malformed {
			t.Fatalf("parseProperties(%q) = %q, %v", s, props, err)
		}
		if err != nil {
			return
		}
		for k, v := range props {
			if k == "" || strings.ContainsAny(k, "\x01\x02") || strings.ContainsAny(v, "\x01\x02") {
				t.Fatalf("parseProperties(%q) gives %q: %q", s, k, v)
			}
			if !strings.Contains("\x02"+s+"\x02", "\x02"+k+"\x01"+v+"\x02") {
				t.Fatalf("parseProperties(%q) gives %q: %q, not an item of it", s, k, v)
			}
		}
		again := appendProperties(nil, props)
		props2, err := parseProperties(string(again))
		if err != nil || !maps.Equal(props, props2) {
			t.Fatalf("%q parses to %q, written as %q, which parses to %q, %v", s, props, again, props2, err)
		}
	})
}

// FuzzDecodeBatch decodes arbitrary batch bodies: it never panics, the
// messages it reads fit in the body, and they encode again, as a client
// would, to a body that decodes to the same messages.
func FuzzDecodeBatch(f *testing.F) {
	one := batchMessage(0, []byte("b1"), "TAGS\x01a\x02")
	f.Add(one)
	f.Add(append(append(batchMessage(0, []byte("b1"), "KEYS\x01k\x02"), batchMessage(7, nil, "")...), batchMessage(0, []byte("b3"), "x\x01y")...))
	f.Add(batchMessage(0, nil, ""))
	f.Add(batchMessage(0, bytes.Repeat([]byte{0xFF}, 300), "k\x01v\x01w"))
	f.Add(one[:len(one)-1])
	f.Add(append(one[:len(one):len(one)], 0, 0, 0))
	f.Add([]byte{0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := decodeBatch(b)
		if err != nil {
			if ins != nil {
				t.Fatalf("decodeBatch returned %d messages with error %v", len(ins), err)
			}
			return
		}
		if len(b) > 0 && len(ins) == 0 {
			t.Fatalf("%d bytes decode to no message", len(b))
		}
		var again []byte
		total := 0
		for _, in := range ins {
			total += 22 + len(in.body)
			props := appendProperties(nil, in.props)
			if len(props) > 0xFFFF {
				return // written back longer than the field holds
			}
			again = append(again, batchMessage(0, in.body, string(props))...)
			if in.sysFlag != 0 {
				t.Fatalf("a batch message has sysFlag %d", in.sysFlag)
			}
		}
		if total > len(b) {
			t.Fatalf("%d bytes decode to %d bytes of messages", len(b), total)
		}
		ins2, err := decodeBatch(again)
		if err != nil || len(ins2) != len(ins) {
			t.Fatalf("re-encoded batch: %d messages, %v; want %d", len(ins2), err, len(ins))
		}
		for i := range ins {
			if !bytes.Equal(ins[i].body, ins2[i].body) || !maps.Equal(ins[i].props, ins2[i].props) {
				t.Fatalf("message %d: %q %q, re-encoded %q %q", i, ins[i].body, ins[i].props, ins2[i].body, ins2[i].props)
			}
		}
	})
}
