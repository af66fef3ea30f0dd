package event

import (
	"bytes"
	"strconv"
)

// Default limits of a zero Decoder.
const (
	// DefaultMaxPayload is Function Compute's limit on a synchronous
	// invocation payload.
	DefaultMaxPayload = 32 << 20
	// DefaultMaxMessages is EventBridge's largest batch (CountBasedWindow).
	DefaultMaxMessages = 10000
	// DefaultMaxProperties bounds the members of one property map.
	DefaultMaxProperties = 4096
)

// A Decoder turns invocation payloads into messages. Its zero value uses the
// default limits, which bound the memory a hostile payload can claim to a
// small multiple of its size. A Decoder is safe for concurrent use.
type Decoder struct {
	MaxPayload    int // bytes; 0 means DefaultMaxPayload
	MaxMessages   int // messages per payload; 0 means DefaultMaxMessages
	MaxProperties int // members per property map; 0 means DefaultMaxProperties
}

// Payload is a decoded invocation payload.
type Payload struct {
	// Messages holds the messages in payload order.
	Messages []Message
	// Batch reports whether the payload was a JSON array (event-streaming
	// delivery), even an array of one.
	Batch bool
	// Failed lists the batch elements that are well-formed JSON but not
	// events the decoder understands; their messages are not in Messages.
	// A single-event payload never has failed elements: its problem is
	// returned as the error instead.
	Failed []*DecodeError
}

// Decode decodes payload with the default limits. See Decoder.Decode.
func Decode(payload []byte) (Payload, error) {
	var d Decoder
	return d.Decode(payload)
}

// Decode decodes the payload of one invocation. It accepts every shape a
// RocketMQ trigger delivers:
//
//   - one CloudEvent (event-driven mode),
//   - a JSON array of CloudEvents (event-streaming mode), even of one,
//   - data objects without the envelope (the RawData event schema),
//   - array elements that are JSON strings holding an event,
//   - CloudEvents whose data is not a RocketMQ message (its JSON becomes the body).
//
// A payload that is not JSON, or too large, yields a *DecodeError naming the
// problem and its byte offset. Decode does not retain payload.
func (d *Decoder) Decode(payload []byte) (Payload, error) {
	if err := d.checkSize(len(payload)); err != nil {
		return Payload{}, err
	}
	return d.DecodeOwned(bytes.Clone(payload))
}

// DecodeOwned is Decode for a buffer the caller hands over: it unescapes
// strings in place and the messages it returns share buf, so the caller must
// not use buf afterwards. It saves the copy that Decode makes.
func (d *Decoder) DecodeOwned(buf []byte) (Payload, error) {
	if err := d.checkSize(len(buf)); err != nil {
		return Payload{}, err
	}
	st := &state{
		maxMessages: orDefault(d.MaxMessages, DefaultMaxMessages),
		maxProps:    orDefault(d.MaxProperties, DefaultMaxProperties),
		props:       make([]Property, 0, 16),
	}
	s := &scanner{buf: buf, st: st, index: -1}
	var p Payload
	switch s.peek() {
	case '[':
		p.Batch = true
		s.batch(&p)
	case 0:
		if s.err == nil {
			return p, &DecodeError{Index: -1, Msg: "empty payload", notEvent: true}
		}
	default:
		p.Messages = make([]Message, 1)
		s.element(&p.Messages[0])
		if s.bad != nil && s.err == nil {
			s.err = s.bad
		}
	}
	s.at("", "")
	if s.err == nil && s.ws() {
		s.fail("unexpected " + s.kindAt() + " after the payload")
	}
	if s.err != nil {
		// Malformed input that showed no event's member holds no event.
		s.err.notEvent = !s.sawEvent && !s.err.tooBig
		return Payload{}, s.err
	}
	return p, nil
}

func (d *Decoder) checkSize(n int) error {
	if limit := orDefault(d.MaxPayload, DefaultMaxPayload); n > limit {
		return &DecodeError{Index: -1, tooBig: true,
			Msg: "payload of " + strconv.Itoa(n) + " bytes is over the limit of " + strconv.Itoa(limit) + " bytes"}
	}
	return nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// state is what the scanners of one payload share.
type state struct {
	maxMessages, maxProps int
	// props is an arena the property maps of all messages are cut from.
	props []Property
}

// batch decodes the elements of a JSON array.
func (s *scanner) batch(p *Payload) {
	s.pos++
	n := 0
	for s.next(&n) {
		if len(p.Messages) >= s.st.maxMessages {
			s.fail("more than " + strconv.Itoa(s.st.maxMessages) + " messages in the payload")
			s.err.tooBig = true
			return
		}
		s.index, s.bad = n-1, nil
		start := s.pos
		if p.Messages == nil {
			p.Messages = make([]Message, 0, 1)
		}
		p.Messages = append(p.Messages, Message{})
		sawEvent := s.sawEvent
		s.sawEvent = false
		s.element(&p.Messages[len(p.Messages)-1])
		elemEvent := s.sawEvent
		s.sawEvent = sawEvent || elemEvent
		switch {
		case s.err != nil:
			return
		case s.bad != nil:
			s.bad.notEvent = !elemEvent
			p.Messages = p.Messages[:len(p.Messages)-1]
			p.Failed = append(p.Failed, s.bad)
		case len(p.Messages) == 1 && cap(p.Messages) == 1:
			s.reserve(p, s.pos-start)
		}
		s.index = -1
		s.at("", "")
	}
	s.index = -1
}

// reserve sizes the message slice and the property arena from the size of
// the first element, so that a uniform batch allocates each once.
func (s *scanner) reserve(p *Payload, elemSize int) {
	est := (len(s.buf)-s.pos)/max(elemSize, 1) + 2
	est = min(est, s.st.maxMessages)
	msgs := make([]Message, 1, est)
	msgs[0] = p.Messages[0]
	p.Messages = msgs
	perMsg := len(s.st.props)
	if want := perMsg * est; want > cap(s.st.props) {
		props := make([]Property, len(s.st.props), want+perMsg)
		copy(props, s.st.props)
		s.st.props = props
	}
}
