package event

import (
	"encoding/base64"
	"strconv"
)

// reject records that the current value is valid JSON but not what an
// event may hold there. Decoding goes on, to validate the rest of the
// payload; the element fails at its end.
func (s *scanner) reject(msg string) { s.rejectAt(s.pos, msg) }

// rejectAt is reject for a value that started at pos.
func (s *scanner) rejectAt(pos int, msg string) {
	if s.bad == nil && s.err == nil {
		s.bad = &DecodeError{Index: s.index, Field: s.field(), Offset: s.base + pos, Msg: msg}
	}
}

// element decodes one event: an object, or a JSON string holding one.
func (s *scanner) element(m *Message) {
	switch s.peek() {
	case '{':
		s.object(m)
	case '"':
		s.stringElement(m)
	case 0:
		s.expected("event")
	default:
		s.at("", "")
		s.reject("expected an event object, found " + s.kindAt())
		s.skip()
	}
	m.Index = max(s.index, 0)
}

// stringElement decodes a JSON string whose text is an event, a form some
// triggers deliver batch elements in.
func (s *scanner) stringElement(m *Message) {
	start := s.pos
	text := s.strBytes()
	if s.err != nil {
		return
	}
	sub := scanner{buf: text, base: s.base + start, st: s.st, index: s.index}
	if sub.peek() != '{' && sub.err == nil {
		s.rejectAt(start, "expected an event object, found a string that does not hold one")
		return
	}
	sub.object(m)
	if sub.err == nil && sub.ws() {
		sub.fail("unexpected " + sub.kindAt() + " after the event")
	}
	s.sawEvent = s.sawEvent || sub.sawEvent
	switch {
	case sub.err != nil:
		sub.err.Msg += " (in a string holding an event)"
		s.bad = sub.err
	case sub.bad != nil:
		s.bad = sub.bad
	}
}

// object decodes an event object: a CloudEvent, or a RawData data object.
func (s *scanner) object(m *Message) {
	start := s.pos
	if !s.open('{', "event object") {
		return
	}
	var unknown []rawMember
	var hasData, hasRaw bool
	n := 0
	for key, ok := s.member(&n); ok; key, ok = s.member(&n) {
		s.at("", key)
		if attr := m.Event.attr(key); attr != nil {
			*attr = s.strField()
			continue
		}
		switch key {
		case "data", "detail": // "detail": an AWS EventBridge envelope
			hasData = true
			s.data(m)
		case "detail-type":
			m.Event.Type = s.strField()
		case "data_base64":
			hasData = true
			s.dataBase64(m)
		default:
			if s.dataMember(m, rawDataFields, key) {
				hasRaw = true
			} else {
				unknown = s.appendRaw(unknown, key)
			}
		}
	}
	if hasData || hasRaw || m.Event.SpecVersion != "" {
		s.sawEvent = true
	}
	if s.err != nil {
		return
	}
	ext := s.props(unknown)
	switch {
	case hasData || (!hasRaw && m.Event.SpecVersion != ""):
		m.Event.Extensions = ext
	case hasRaw:
		m.Extra = ext
	default:
		s.at("", "")
		s.rejectAt(start, "not an event: no data, topic, body or specversion member")
		return
	}
	s.checkSpec(m, start)
	m.finish()
}

func (s *scanner) checkSpec(m *Message, start int) {
	switch v := m.Event.SpecVersion; v {
	case "", "1.0", "0.3":
	default:
		s.at("", "specversion")
		s.rejectAt(start, "unsupported CloudEvents specversion "+strconv.Quote(v)+" (want 1.0)")
	}
}

// Field paths of data members, for error messages.
type dataFields struct{ topic, body, sys, user, msgID string }

var (
	cloudEventFields = dataFields{"data.topic", "data.body", "data.systemProperties", "data.userProperties", "data.msgId"}
	rawDataFields    = dataFields{"topic", "body", "systemProperties", "userProperties", "msgId"}
)

// dataMember decodes a member of RocketMQ data and reports whether key is one.
func (s *scanner) dataMember(m *Message, f dataFields, key string) bool {
	switch key {
	case "topic":
		s.at(f.topic, "")
		m.Topic = s.strField()
	case "body":
		s.at(f.body, "")
		s.body(m)
	case "systemProperties":
		m.SystemProperties = s.propMap(f.sys)
	case "userProperties":
		m.UserProperties = s.propMap(f.user)
	case "msgId":
		s.at(f.msgID, "")
		m.ID = s.strField()
	default:
		return false
	}
	return true
}

// data decodes the CloudEvent data member. When it is an object with none
// of the RocketMQ data members, the CloudEvent is not a RocketMQ message and
// the object itself becomes the body.
func (s *scanner) data(m *Message) {
	switch s.peek() {
	case '{':
	case '"':
		m.Body, m.BodyKind = s.strBytes(), String
		return
	default:
		s.body(m)
		return
	}
	start := s.pos
	s.pos++
	var unknown []rawMember
	known, n := false, 0
	for key, ok := s.member(&n); ok; key, ok = s.member(&n) {
		if s.dataMember(m, cloudEventFields, key) {
			known = true
		} else {
			unknown = s.appendRaw(unknown, key)
		}
	}
	if s.err != nil {
		return
	}
	if !known {
		// Unknown members were skipped, not unescaped: the bytes are intact.
		m.Body, m.BodyKind = s.buf[start:s.pos:s.pos], Raw
		return
	}
	m.Extra = s.props(unknown)
}

func (s *scanner) dataBase64(m *Message) {
	text := s.strField()
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		s.reject("data_base64 is not base64: " + err.Error())
		return
	}
	m.Body, m.BodyKind = b, String
}

// body decodes the message body: the text of a JSON string, or the JSON of
// any other value.
func (s *scanner) body(m *Message) {
	switch s.peek() {
	case '"':
		m.Body, m.BodyKind = s.strBytes(), String
	case 'n':
		s.lit("null")
		m.Body, m.BodyKind = nil, Null
	default:
		kind := kindOf(s.peek())
		m.Body, m.BodyKind = s.skip(), kind
	}
}

// strField reads a member that must be a string; null reads as "".
func (s *scanner) strField() string {
	switch s.peek() {
	case '"':
		return s.str()
	case 'n':
		s.lit("null")
		return ""
	case 0:
		s.expected("string")
		return ""
	}
	s.reject("expected a string, found " + s.kindAt())
	s.skip()
	return ""
}
