package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// A prototype of the payload decoder and of a typed body decoder built on
// github.com/go-json-experiment/json/jsontext (the module encoding/json/jsontext
// comes from; in Go 1.26 the standard library's copy needs
// GOEXPERIMENT=jsonv2), to measure what rebuilding runtime/event and
// runtime/internal/bind on it would cost. BenchmarkJSONText compares it
// with today's path, event.Decode followed by the fn.Typed handler of every
// message.
//
// The prototype gives jsontext every advantage a rebuild could take: it
// reads a single owned copy of the payload through a bytes.Buffer, which
// jsontext parses in place; its strings are views of that copy, as
// event.Decode's are, and it unescapes in place; the decoders come from a
// pool; the body decoder is written for User alone (no reflection, no
// field table) and packs the four strings into one allocation, as bind's
// arena does. It handles the shapes of the fixtures (a CloudEvent or an
// array of them, with a RocketMQ data object) and reports the rest as
// unsupported. So its time is a lower bound for a jsontext-based rebuild.

// jtState is the reusable state of one decode: a jsontext.Decoder reading
// from bb.
type jtState struct {
	dec jsontext.Decoder
	bb  bytes.Buffer
}

// jtOptions match event.Decode and bind, which let the last of repeated
// names win rather than rejecting the object (the check also costs time).
var jtOptions = jsontext.AllowDuplicateNames(true)

var jtPool = sync.Pool{New: func() any { return new(jtState) }}

var errUnsupported = errors.New("jsontext prototype: unsupported payload shape")

// jtDecode decodes a payload of one CloudEvent or a JSON array of them.
func jtDecode(payload []byte) (event.Payload, error) {
	buf := bytes.Clone(payload)
	st := jtPool.Get().(*jtState)
	defer func() {
		st.bb = bytes.Buffer{}
		st.dec.Reset(&st.bb)
		jtPool.Put(st)
	}()
	st.bb = *bytes.NewBuffer(buf)
	st.dec.Reset(&st.bb, jtOptions)
	d := &jtDecoder{dec: &st.dec, buf: buf, props: make([]event.Property, 0, 16)}
	var p event.Payload
	switch d.dec.PeekKind() {
	case '[':
		p.Batch = true
		if _, err := d.dec.ReadToken(); err != nil {
			return p, err
		}
		for i := 0; d.dec.PeekKind() != ']'; i++ {
			if p.Messages == nil {
				p.Messages = make([]event.Message, 0, 1)
			}
			p.Messages = append(p.Messages, event.Message{Index: i})
			if err := d.object(&p.Messages[i]); err != nil {
				return event.Payload{}, err
			}
			if i == 0 {
				// Reserve for a uniform batch, as event.Decode does.
				est := (len(buf)-int(d.dec.InputOffset()))/int(d.dec.InputOffset()) + 2
				ms := make([]event.Message, 1, est)
				ms[0] = p.Messages[0]
				p.Messages = ms
				if want := len(d.props) * est; want > cap(d.props) {
					props := make([]event.Property, len(d.props), want)
					copy(props, d.props)
					d.props = props
				}
			}
		}
		if _, err := d.dec.ReadToken(); err != nil {
			return event.Payload{}, err
		}
	case '{':
		p.Messages = make([]event.Message, 1)
		if err := d.object(&p.Messages[0]); err != nil {
			return event.Payload{}, err
		}
	default:
		return p, errUnsupported
	}
	if _, err := d.dec.ReadToken(); err != io.EOF {
		return event.Payload{}, errors.New("jsontext prototype: data after the payload")
	}
	return p, nil
}

type jtDecoder struct {
	dec   *jsontext.Decoder
	buf   []byte // the owned copy the decoder reads
	props []event.Property
}

// raw reads the next value (or object name) and returns it as a view of
// the owned copy.
func (d *jtDecoder) raw() ([]byte, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	end := int(d.dec.InputOffset())
	return d.buf[end-len(v) : end : end], nil
}

// text reads a string (or name) and returns its unescaped text, a view of
// the owned copy, unescaped in place when needed.
func (d *jtDecoder) text() ([]byte, error) {
	v, err := d.raw()
	if err != nil {
		return nil, err
	}
	if len(v) == 0 || v[0] != '"' {
		return nil, fmt.Errorf("jsontext prototype: expected a string, found %s", v)
	}
	inner := v[1 : len(v)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, nil
	}
	// The unescaped text is never longer, and the decoder has moved past
	// these bytes: unescape over them.
	return jsontext.AppendUnquote(v[:0], v)
}

func (d *jtDecoder) str() (string, error) {
	b, err := d.text()
	return view(b), err
}

func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// attr returns the field of e that holds the attribute name, or nil.
func attr(e *event.CloudEvent, name string) *string {
	switch name {
	case "id":
		return &e.ID
	case "source":
		return &e.Source
	case "specversion":
		return &e.SpecVersion
	case "type":
		return &e.Type
	case "subject":
		return &e.Subject
	case "datacontenttype":
		return &e.DataContentType
	case "dataschema":
		return &e.DataSchema
	case "time":
		return &e.Time
	case "aliyunaccountid":
		return &e.AccountID
	case "aliyunoriginalaccountid":
		return &e.OriginalAccountID
	case "aliyuneventbusname":
		return &e.EventBusName
	case "aliyunregionid":
		return &e.RegionID
	case "aliyunpublishtime":
		return &e.PublishTime
	case "aliyunpublishaddr":
		return &e.PublishAddr
	case "aliyuneventid":
		return &e.EventID
	}
	return nil
}

// object decodes one CloudEvent.
func (d *jtDecoder) object(m *event.Message) error {
	if _, err := d.dec.ReadToken(); err != nil { // '{'
		return err
	}
	for d.dec.PeekKind() != '}' {
		key, err := d.text()
		if err != nil {
			return err
		}
		if p := attr(&m.Event, string(key)); p != nil {
			if *p, err = d.str(); err != nil {
				return err
			}
			continue
		}
		switch string(key) {
		case "data":
			err = d.data(m)
		default:
			// Unknown members become extensions in event.Decode; the
			// fixtures have none.
			err = errUnsupported
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil { // '}'
		return err
	}
	d.finish(m)
	return nil
}

func (d *jtDecoder) data(m *event.Message) error {
	if d.dec.PeekKind() != '{' {
		return errUnsupported
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	for d.dec.PeekKind() != '}' {
		key, err := d.text()
		if err != nil {
			return err
		}
		switch string(key) {
		case "topic":
			m.Topic, err = d.str()
		case "body":
			if d.dec.PeekKind() != '"' {
				return errUnsupported
			}
			m.Body, err = d.text()
			m.BodyKind = event.String
		case "systemProperties":
			m.SystemProperties, err = d.propMap()
		case "userProperties":
			m.UserProperties, err = d.propMap()
		default:
			err = errUnsupported
		}
		if err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	return err
}

// propMap decodes a property map into the shared arena.
func (d *jtDecoder) propMap() (event.Properties, error) {
	if d.dec.PeekKind() != '{' {
		return nil, errUnsupported
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	start := len(d.props)
	for d.dec.PeekKind() != '}' {
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		p := event.Property{Key: key}
		switch d.dec.PeekKind() {
		case '"':
			p.Value, err = d.str()
			p.Kind = event.String
		case 'n':
			_, err = d.raw()
			p.Kind = event.Null
		default:
			var v []byte
			v, err = d.raw()
			p.Value = view(v)
			switch v[0] {
			case 't', 'f':
				p.Kind = event.Bool
			case '{', '[':
				p.Kind = event.Raw
			default:
				p.Kind = event.Number
			}
		}
		if err != nil {
			return nil, err
		}
		d.props = append(d.props, p)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, err
	}
	if len(d.props) == start {
		return nil, nil
	}
	return d.props[start:len(d.props):len(d.props)], nil
}

// finish derives ID, Tag and Keys from the system properties, for the
// spellings the fixtures use.
func (d *jtDecoder) finish(m *event.Message) {
	var uniq, tag, keys string
	for _, p := range m.SystemProperties {
		switch p.Key {
		case event.PropUniqKey:
			uniq = p.Value
		case event.PropTags:
			tag = p.Value
		case event.PropKeys:
			keys = p.Value
		}
	}
	m.Tag = tag
	m.ID = uniq
	if m.ID == "" {
		m.ID = m.Event.ID
	}
	if keys != "" {
		m.Keys = strings.Fields(keys)
	}
}

// jtUser decodes a body into a User with jsontext: the typed half of the
// prototype. Its strings are copies packed into one allocation.
func jtUser(body []byte, u *User) error {
	st := jtPool.Get().(*jtState)
	defer func() {
		st.bb = bytes.Buffer{}
		st.dec.Reset(&st.bb)
		jtPool.Put(st)
	}()
	st.bb = *bytes.NewBuffer(body)
	st.dec.Reset(&st.bb, jtOptions)
	dec := &st.dec
	if dec.PeekKind() != '{' {
		return errors.New("jsontext prototype: body is not an object")
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	// The strings' bytes, and where each field's ends.
	var text []byte
	var ends [4]int
	var set [4]bool
	for dec.PeekKind() != '}' {
		key, err := dec.ReadValue()
		if err != nil {
			return err
		}
		f := -1
		switch string(key) {
		case `"id"`:
			f = 0
		case `"name"`:
			f = 1
		case `"job"`:
			f = 2
		case `"hero"`:
			f = 3
		}
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if f < 0 {
			continue
		}
		if v.Kind() != '"' {
			return fmt.Errorf("jsontext prototype: body field %s: expected a string", key)
		}
		if text == nil {
			text = make([]byte, 0, len(body))
		}
		if text, err = jsontext.AppendUnquote(text, v); err != nil {
			return err
		}
		ends[f], set[f] = len(text), true
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	all := view(text)
	start := 0
	for f, p := range [4]*string{&u.ID, &u.Name, &u.Job, &u.Hero} {
		if set[f] {
			*p = all[start:ends[f]]
			start = ends[f]
		}
	}
	return nil
}

// jtInvoke decodes a payload with the prototype and calls h with the User
// of every message.
func jtInvoke(ctx context.Context, payload []byte, h func(context.Context, User) error) error {
	p, err := jtDecode(payload)
	if err != nil {
		return err
	}
	for i := range p.Messages {
		var u User
		if err := jtUser(p.Messages[i].Body, &u); err != nil {
			return err
		}
		if err := h(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// todayInvoke is the same work on today's path: event.Decode, then the
// fn.Typed handler of every message (body into User with
// runtime/internal/bind, then the call).
func todayInvoke(ctx context.Context, payload []byte, typed fn.Handler) error {
	p, err := event.Decode(payload)
	if err != nil {
		return err
	}
	for i := range p.Messages {
		if _, err := typed.Handle(ctx, &p.Messages[i]); err != nil {
			return err
		}
	}
	return nil
}

// TestJSONTextAgrees checks that the prototype decodes the fixtures into
// the same messages as event.Decode, and the same users.
func TestJSONTextAgrees(t *testing.T) {
	for _, payload := range [][]byte{singlePayload, batchPayload} {
		want, err := event.Decode(payload)
		if err != nil {
			t.Fatal(err)
		}
		got, err := jtDecode(payload)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) != len(want.Messages) || got.Batch != want.Batch {
			t.Fatalf("got %d messages (batch %v), want %d (batch %v)", len(got.Messages), got.Batch, len(want.Messages), want.Batch)
		}
		for i := range want.Messages {
			if !reflect.DeepEqual(got.Messages[i], want.Messages[i]) {
				t.Fatalf("message %d:\n got %+v\nwant %+v", i, got.Messages[i], want.Messages[i])
			}
		}
		var gotUsers, wantUsers []User
		if err := jtInvoke(context.Background(), payload, func(_ context.Context, u User) error {
			gotUsers = append(gotUsers, u)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		typed := fn.Typed(func(_ context.Context, u User) error {
			wantUsers = append(wantUsers, u)
			return nil
		})
		if err := todayInvoke(context.Background(), payload, typed); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotUsers, wantUsers) {
			t.Fatalf("users differ:\n got %v\nwant %v", gotUsers, wantUsers)
		}
	}
	for _, bad := range []string{`{"id":`, `[{"id":"a","data":{"topic":1}}]`, `{"id":"a"}}`, `"x"`} {
		if _, err := jtDecode([]byte(bad)); err == nil {
			t.Errorf("jtDecode(%s): no error", bad)
		}
	}
}

// BenchmarkJSONText compares the jsontext prototype with today's path, on
// the payloads of BenchmarkDecodeDispatch: payload decode, body of every
// message into a User, handler call. Compare the two paths with benchstat
// (see README.md, "jsontext"):
//
//	go test -run='^$' -bench=JSONText -count=6 ./internal/bench/ | tee /tmp/jt.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /path /tmp/jt.txt
func BenchmarkJSONText(b *testing.B) {
	ctx := context.Background()
	typed := fn.Typed(userHandler)
	for _, c := range []struct {
		name    string
		payload []byte
		events  int
	}{
		{"single", singlePayload, 1},
		{"batch100", batchPayload, batchSize},
	} {
		for _, p := range []struct {
			name string
			run  func([]byte) error
		}{
			{"today", func(pl []byte) error { return todayInvoke(ctx, pl, typed) }},
			{"jsontext", func(pl []byte) error { return jtInvoke(ctx, pl, userHandler) }},
		} {
			b.Run(c.name+"/path="+p.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu := cpuTime()
				for b.Loop() {
					if err := p.run(c.payload); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.events), "ns/event")
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N*c.events), "cpu-ns/event")
			})
		}
	}
}
