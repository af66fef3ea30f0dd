package bind

import (
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

type jsonNum = json.Number

// textish upper-cases its text; "bad" is an error.
type textish string

func (t *textish) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad text")
	}
	*t = textish(strings.ToUpper(string(b)))
	return nil
}

// textSlice is a slice type with a text method: null clears it.
type textSlice []string

func (t *textSlice) UnmarshalText(b []byte) error {
	*t = strings.Split(string(b), ",")
	return nil
}

// wrapped records the raw JSON it is given; "fail" is an error and
// "type" returns a type error with its own field.
type wrapped struct{ Raw string }

func (w *wrapped) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"fail"`:
		return errors.New("wrapped: fail")
	case `"type"`:
		return &json.UnmarshalTypeError{Value: "custom", Type: jsonNumType, Field: "sub"}
	}
	w.Raw = string(b)
	return nil
}

var jsonNumType = numberType

// valueRecv has a value-receiver method.
type valueRecv struct{ n *int }

func (v valueRecv) UnmarshalJSON(b []byte) error {
	if v.n != nil {
		*v.n = len(b)
	}
	return nil
}

// both has both methods: UnmarshalJSON wins.
type both string

func (b *both) UnmarshalJSON(data []byte) error { *b = both("json:" + string(data)); return nil }
func (b *both) UnmarshalText(data []byte) error { *b = both("text:" + string(data)); return nil }

type Methods struct {
	W   wrapped
	WP  *wrapped
	WS  []wrapped
	WM  map[string]wrapped
	T   textish
	TP  *textish
	TS  textSlice
	TPP **textish
	VR  valueRecv
	B   both
	Tm  time.Time
	TmP *time.Time
	IP  netip.Addr
	Raw json.RawMessage
	RP  *json.RawMessage
}

func TestMethods(t *testing.T) {
	same[Methods](t,
		`{"W":{"a":[1,2]},"WP":"x","WS":[1,null,"s"],"WM":{"k":true}}`,
		`{"W":null,"WP":null}`,
		`{"W":"fail","T":"after"}`,
		`{"T":"before","W":"fail"}`,
		`{"W":"type"}`, `{"WS":["type"]}`,
		`{"T":"low","TP":"ptr","TS":"a,b","TPP":"pp"}`,
		`{"T":"bad"}`, `{"T":null,"TP":null,"TS":null,"TPP":null}`,
		`{"T":5}`, `{"T":true}`, `{"T":{}}`, `{"T":[1]}`,
		`{"TP":5}`, `{"TPP":5}`, `{"TPP":[]}`, `{"TS":{}}`,
		`{"T":"\u00e9\n"}`,
		`{"VR":{"x":1}}`, `{"B":"x"}`, `{"B":null}`,
		`{"Tm":"2024-05-01T10:20:30Z","TmP":"2024-05-01T10:20:30.5+08:00"}`,
		`{"Tm":"yesterday"}`, `{"Tm":5}`, `{"Tm":null}`, `{"TmP":null}`,
		`{"IP":"10.0.0.1"}`, `{"IP":"nope"}`, `{"IP":5}`, `{"IP":null}`,
		`{"Raw":{"a": [1, 2]},"RP":[true]}`, `{"Raw":null,"RP":null}`, `{"Raw":"s"}`,
		`{"T":"x","W":"fail",`,
		`{"W":"fail"} x`,
	)
	same[wrapped](t, `{"x":1}`, `null`, `"fail"`, `"type"`, ` "s" `)
	same[*wrapped](t, `null`, `1`, `"type"`)
	same[textish](t, `"abc"`, `1`, `null`, `{}`, `"bad"`)
	same[*textish](t, `"abc"`, `1`, `null`)
	same[**textish](t, `"abc"`, `[]`, `null`)
	same[time.Time](t, `"2024-05-01T10:20:30Z"`, `null`, `1`)
	same[json.RawMessage](t, ` {"a" : 1} `, `null`, `[`)
	same[map[string]json.RawMessage](t, `{"a":{"b":[1, 2 ]},"c":null}`)
}

func TestMethodsOnReusedValues(t *testing.T) {
	n := 0
	sameFrom(t, func() *Methods {
		raw := json.RawMessage(make([]byte, 2, 64))
		return &Methods{VR: valueRecv{n: &n}, Raw: raw, WP: &wrapped{Raw: "old"}}
	},
		`{"Raw":[1],"WP":"new","VR":"abc"}`,
		`{"WP":null}`,
	)
}

type textKey string

func (k *textKey) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad key")
	}
	*k = textKey("K" + string(b))
	return nil
}

type keyBoth string

func (k *keyBoth) UnmarshalText(b []byte) error { *k = keyBoth("T" + string(b)); return nil }
func (k *keyBoth) UnmarshalJSON(b []byte) error { *k = keyBoth("J" + string(b)); return nil }

type keyJSONOnly string

func (k *keyJSONOnly) UnmarshalJSON(b []byte) error { *k = "never"; return nil }

func TestMapKeys(t *testing.T) {
	same[map[textKey]int](t, `{"a":1,"b":2}`, `{"bad":1}`, `{"a":"x"}`, `{"\u00e9":1}`)
	same[map[keyBoth]int](t, `{"a":1,"b\n":2}`)
	same[map[keyJSONOnly]int](t, `{"a":1}`)
	same[map[int]string](t, `{"1":"a","-2":"b"}`, `{"x":"a"}`, `{"1.5":"a"}`, `{"+3":"c"}`, `{"007":"d"}`)
	same[map[int8]int](t, `{"127":1}`, `{"128":1}`, `{"1":"x","999":2}`)
	same[map[uint16]bool](t, `{"65535":true}`, `{"65536":true}`, `{"-1":true}`, `{"+1":true}`)
	same[map[float64]int](t, `{"1":1}`, `{}`, `null`, `[]`)
	same[map[bool]int](t, `{"true":1}`)
	same[map[Status]Status](t, `{"a":"b"}`, `{"a":1}`)
	same[map[[2]int]int](t, `{"a":1}`)
	same[map[netip.Addr]int](t, `{"10.0.0.1":1}`, `{"bad":1}`)
}
