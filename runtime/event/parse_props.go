package event

import (
	"cmp"
	"strconv"
	"strings"
)

// propMap decodes a property map (systemProperties or userProperties) into
// the shared arena. Values may be of any JSON type; see Kind.
func (s *scanner) propMap(field string) Properties {
	s.at(field, "")
	switch s.peek() {
	case '{':
	case 'n':
		s.lit("null")
		return nil
	default:
		s.reject("expected an object, found " + s.kindAt())
		s.skip()
		return nil
	}
	s.pos++
	st := s.st
	start, n := len(st.props), 0
	for key, ok := s.member(&n); ok; key, ok = s.member(&n) {
		if n > st.maxProps {
			s.fail("more than " + strconv.Itoa(st.maxProps) + " properties")
			s.err.tooBig = true
			return nil
		}
		s.at(field, key)
		value, kind := s.scalar()
		st.props = append(st.props, Property{Key: key, Value: value, Kind: kind})
	}
	if n == 0 {
		return nil
	}
	return st.props[start:len(st.props):len(st.props)]
}

// scalar reads any value as a property value.
func (s *scanner) scalar() (string, Kind) {
	switch c := s.peek(); c {
	case '"':
		return s.str(), String
	case 'n':
		s.lit("null")
		return "", Null
	default:
		raw := s.skip()
		if len(raw) == 0 {
			return "", Null
		}
		return view(raw), kindOf(c)
	}
}

func kindOf(c byte) Kind {
	switch c {
	case '"':
		return String
	case 't', 'f':
		return Bool
	case 'n':
		return Null
	case '{', '[':
		return Raw
	}
	return Number
}

// rawMember is a member kept aside, unparsed, until the decoder knows what
// the object is.
type rawMember struct {
	key string
	raw []byte
}

func (s *scanner) appendRaw(ms []rawMember, key string) []rawMember {
	if len(ms) >= s.st.maxProps {
		s.fail("more than " + strconv.Itoa(s.st.maxProps) + " unknown members")
		s.err.tooBig = true
		return ms
	}
	return append(ms, rawMember{key, s.skip()})
}

// props turns members kept aside into properties, unescaping strings.
func (s *scanner) props(ms []rawMember) Properties {
	if len(ms) == 0 {
		return nil
	}
	ps := make(Properties, len(ms))
	for i, rm := range ms {
		sub := scanner{buf: rm.raw}
		value, kind := sub.scalar()
		ps[i] = Property{Key: rm.key, Value: value, Kind: kind}
	}
	return ps
}

// finish derives the fields that come from system properties, each from
// the first of its spellings present (see PropUniqKey and the others).
func (m *Message) finish() {
	var uniq, msgID, onsMsgID, tag, onsTag, altTag, keys, onsKeys, shard, altShard string
	for _, p := range m.SystemProperties {
		switch p.Key {
		case PropUniqKey:
			uniq = p.Value
		case PropMessageID:
			msgID = p.Value
		case "__MSGID":
			onsMsgID = p.Value
		case PropTags:
			tag = p.Value
		case "__TAG":
			onsTag = p.Value
		case "TAG":
			altTag = p.Value
		case PropKeys:
			keys = p.Value
		case "__KEY":
			onsKeys = p.Value
		case PropShardingKey:
			shard = p.Value
		case "SHARDING_KEY":
			altShard = p.Value
		}
	}
	m.Tag = cmp.Or(tag, onsTag, altTag)
	m.ShardingKey = cmp.Or(shard, altShard)
	if m.ID == "" { // no msgId
		m.ID = cmp.Or(uniq, msgID, onsMsgID, m.Event.ID)
	} else if uniq != "" {
		m.ID = uniq
	}
	if keys = cmp.Or(keys, onsKeys); keys != "" {
		m.Keys = strings.Fields(keys)
	}
	if m.Topic == "" {
		m.Topic = m.Event.subject().topic
	}
}
