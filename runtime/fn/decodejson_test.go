package fn_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/runtime/event"
	"github.com/rocketfn/rocketfn/runtime/fn"
)

// bodyDoc has a field of each kind a body usually decodes into.
type bodyDoc struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	N     int               `json:"n"`
	F     float64           `json:"f"`
	Tags  map[string]string `json:"tags"`
	Any   any               `json:"any"`
	Raw   json.RawMessage   `json:"raw"`
	Num   json.Number       `json:"num"`
	Ptr   *int              `json:"ptr"`
	T     time.Time         `json:"t"`
	Bytes []byte            `json:"bytes"`
	Inner struct {
		K []int `json:"k"`
	} `json:"inner"`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// typedBodies are message bodies, as the payload's JSON string, over the
// cases of decoding: values, type errors, syntax errors, null, base64.
var typedBodies = []string{
	`{"id":"1","name":"ann","n":3,"f":1.5,"tags":{"a":"b"},"any":[1,"x",null,{"k":true}],"raw":{"r":[1, 2]},` +
		`"num":-1.5e3,"ptr":7,"t":"2024-05-01T10:20:30Z","bytes":"aGk=","inner":{"k":[1,2]},"unknown":{"x":1}}`,
	`{"ID":"folded","NAME":"case","Inner":{"K":[3]}}`,
	`{"id":"\u00e9\n\ud83d\ude00","name":"\ud800 lone"}`,
	`{"n":"three"}`, `{"n":1.5}`, `{"n":1e400}`, `{"f":"x","n":true}`, `{"inner":{"k":[1,"2"]}}`,
	`{"any":1e400}`, `{"num":"12"}`, `{"num":"x"}`, `{"t":"yesterday"}`, `{"bytes":"!!"}`, `{"tags":{"a":1}}`,
	`{"id":null,"tags":null,"any":null,"ptr":null,"raw":null,"t":null}`,
	`{"id":"a","id":"b"}`,
	`null`, `[1,2]`, `"text"`, `12`, `true`, `{}`, `  {"id":"spaced"}  `, ``,
	`{"id":"a"`, `{"id":"a"} trailing`, `{"id":"a",}`, `plain text`, `{"id":"x"}}`,
	b64(`{"id":"from base64","n":2}`), b64(`[1,2,3]`), b64(`{"n":"bad"}`), b64(`not json`),
	base64.RawURLEncoding.EncodeToString([]byte(`{"id":"url?>"}`)), `aGVsbG8`,
}

// bodyMessage decodes a payload carrying body, as a JSON string or, when
// asObject, as the JSON itself.
func bodyMessage(t *testing.T, body string, asObject bool) *event.Message {
	t.Helper()
	raw := jsonQuote(body)
	if asObject {
		raw = body
	}
	p, err := event.Decode([]byte(`{"specversion":"1.0","id":"e1","data":{"topic":"t","systemProperties":{"UNIQ_KEY":"M1"},"body":` + raw + `}}`))
	if err != nil {
		t.Fatalf("payload with body %s: %v", raw, err)
	}
	return &p.Messages[0]
}

// jsonQuote returns s as a JSON string literal, leaving bytes that are not
// UTF-8 as they are.
func jsonQuote(s string) string {
	b := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < ' ':
			b = fmt.Appendf(b, `\u%04x`, c)
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}

// typedVsDecodeJSON decodes a message's body into a T with fn.Typed, with
// Message.DecodeJSON and with DecodeBody and encoding/json, and describes
// any difference between them: in the error's text and fields, or, for
// bodies that are JSON, in the value. The body is overwritten before the
// values are compared, so a value that points into it differs.
func typedVsDecodeJSON[T any](t *testing.T, body string, asObject bool) string {
	m := bodyMessage(t, body, asObject)
	var typed T
	h := fn.Typed(func(ctx context.Context, v T) error { typed = v; return nil })
	_, typedErr := h.Handle(context.Background(), m)

	var direct, std T
	directErr := m.DecodeJSON(&direct)
	stdErr := m.DecodeBody(func(data []byte) error { return json.Unmarshal(data, &std) })
	for i := range m.Body {
		m.Body[i] = '#'
	}

	if msg := sameError(typedErr, directErr); msg != "" {
		return "Typed and DecodeJSON: " + msg
	}
	if msg := sameError(stdErr, directErr); msg != "" {
		return "encoding/json and DecodeJSON: " + msg
	}
	if typedErr == nil && !reflect.DeepEqual(typed, direct) {
		return fmt.Sprintf("values:\n     Typed: %#v\nDecodeJSON: %#v", typed, direct)
	}
	var se *json.SyntaxError
	if !errors.As(stdErr, &se) && !reflect.DeepEqual(std, direct) {
		// On malformed JSON, only encoding/json leaves the value untouched.
		return fmt.Sprintf("values:\n      std: %#v\nDecodeJSON: %#v", std, direct)
	}
	return ""
}

// sameError compares two errors by text, by type and by the fields of
// encoding/json's error types inside them.
func sameError(a, b error) string {
	if (a == nil) != (b == nil) || a != nil && a.Error() != b.Error() {
		return fmt.Sprintf("errors %v and %v", a, b)
	}
	if a == nil {
		return ""
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return fmt.Sprintf("error types %T and %T", a, b)
	}
	var ta, tb *json.UnmarshalTypeError
	if errors.As(a, &ta) != errors.As(b, &tb) || ta != nil && *ta != *tb {
		return fmt.Sprintf("type errors %#v and %#v", ta, tb)
	}
	var sa, sb *json.SyntaxError
	if errors.As(a, &sa) != errors.As(b, &sb) || sa != nil && sa.Offset != sb.Offset {
		return fmt.Sprintf("syntax errors %#v and %#v", sa, sb)
	}
	var ba *event.BodyError
	if !errors.As(a, &ba) {
		return fmt.Sprintf("%T is not a *event.BodyError", a)
	}
	return ""
}

// TestTypedAgreesWithDecodeJSON checks that fn.Typed and
// Message.DecodeJSON give the same values and errors, which are
// encoding/json's, for every body of the table into several types.
func TestTypedAgreesWithDecodeJSON(t *testing.T) {
	for _, body := range typedBodies {
		for _, asObject := range []bool{false, true} {
			if asObject && !json.Valid([]byte(body)) {
				continue // the payload could not carry it
			}
			for name, msg := range map[string]string{
				"bodyDoc":                    typedVsDecodeJSON[bodyDoc](t, body, asObject),
				"*bodyDoc":                   typedVsDecodeJSON[*bodyDoc](t, body, asObject),
				"map[string]any":             typedVsDecodeJSON[map[string]any](t, body, asObject),
				"map[string]json.RawMessage": typedVsDecodeJSON[map[string]json.RawMessage](t, body, asObject),
				"any":                        typedVsDecodeJSON[any](t, body, asObject),
				"[]int":                      typedVsDecodeJSON[[]int](t, body, asObject),
				"int":                        typedVsDecodeJSON[int](t, body, asObject),
				"json.RawMessage":            typedVsDecodeJSON[json.RawMessage](t, body, asObject),
				"time.Time":                  typedVsDecodeJSON[time.Time](t, body, asObject),
			} {
				if msg != "" {
					t.Errorf("%s, body %q (as an object: %v):\n%s", name, body, asObject, msg)
				}
			}
		}
	}
}

// TestTypedTextAndBytesTakeTheBody checks the two types Typed does not
// decode as JSON, unlike DecodeJSON: string and []byte get the body.
func TestTypedTextAndBytesTakeTheBody(t *testing.T) {
	m := bodyMessage(t, `"quoted"`, false)
	var s string
	var b []byte
	fn.Typed(func(ctx context.Context, v string) error { s = v; return nil }).Handle(context.Background(), m)
	fn.Typed(func(ctx context.Context, v []byte) error { b = v; return nil }).Handle(context.Background(), m)
	var decoded string
	if err := m.DecodeJSON(&decoded); err != nil {
		t.Fatal(err)
	}
	if s != `"quoted"` || string(b) != `"quoted"` || decoded != "quoted" {
		t.Errorf("Typed[string] %q, Typed[[]byte] %q, DecodeJSON %q", s, b, decoded)
	}
}
