package event

import "strings"

// DecodeData decodes a CloudEvent delivered in binary mode, its attributes
// apart from its data (the CloudEvents HTTP binding's ce-* headers and body).
// Data that is a JSON object with RocketMQ members (topic, body,
// systemProperties, userProperties, msgId) is the RocketMQ message, as in
// a structured event; any other data is the body as it is. Like
// DecodeOwned, it keeps and modifies data.
func (d *Decoder) DecodeData(attrs CloudEvent, data []byte) (Payload, error) {
	if err := d.checkSize(len(data)); err != nil {
		return Payload{}, err
	}
	m := Message{Event: attrs}
	if looksLikeObject(data) && isJSON(attrs.DataContentType) {
		st := &state{maxMessages: 1, maxProps: orDefault(d.MaxProperties, DefaultMaxProperties)}
		s := &scanner{buf: data, st: st, index: -1}
		s.data(&m)
		s.at("", "")
		if s.err == nil && s.ws() {
			s.fail("unexpected " + s.kindAt() + " after the data")
		}
		if s.err == nil {
			s.err = s.bad
		}
		if s.err != nil {
			return Payload{}, s.err
		}
	} else if len(data) > 0 {
		m.Body, m.BodyKind = data, String
	}
	m.finish()
	return Payload{Messages: []Message{m}}, nil
}

func looksLikeObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '{'
	}
	return false
}

// isJSON reports whether a content type is JSON ("application/json",
// "application/json; charset=utf-8", "application/x+json", or unset).
func isJSON(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.TrimSpace(ct)
	return ct == "" || ct == "application/json" || ct == "text/json" || strings.HasSuffix(ct, "+json")
}
