package bind

import (
	"encoding/json"
	"testing"
	"time"
)

// Rich covers every kind the decoder handles natively, plus methods.
type Rich struct {
	Base
	I     int               `json:"i"`
	I8    int8              `json:"i8"`
	U16   uint16            `json:"u16"`
	F     float64           `json:"f"`
	F32   float32           `json:"f32"`
	B     bool              `json:"b"`
	S     string            `json:"s"`
	St    Status            `json:"st"`
	P     *int              `json:"p"`
	PS    *Inner            `json:"ps"`
	Sl    []int             `json:"sl"`
	SS    []Inner           `json:"ss"`
	Bytes []byte            `json:"bytes"`
	Arr   [2]string         `json:"arr"`
	M     map[string]string `json:"m"`
	MA    map[string]any    `json:"ma"`
	MI    map[int]Inner     `json:"mi"`
	In    Inner             `json:"in"`
	A     any               `json:"a"`
	N     json.Number       `json:"n"`
	Raw   json.RawMessage   `json:"raw"`
	T     time.Time         `json:"t"`
	TP    *time.Time        `json:"tp"`
	Q     int               `json:"q,string"`
	QB    bool              `json:"qb,string"`
	Tx    textish           `json:"tx"`
}

var (
	userSeeds = []string{
		string(userBody),
		`{"ID":"1","NAME":"x","Job":"j","hero":"h","extra":[1,{"a":null}]}`,
		`{"id":"\u00e9\n\ud83d\ude00","name":"` + "\xff" + `"}`,
		`{"id":1,"name":null,"job":{},"hero":[]}`,
		`{"id":"a","id":"b"} `,
		`[{"id":"x"}]`, `null`, `"s"`, `{"id":"x"`,
	}
	richSeeds = []string{
		`{"id":1,"kind":"k","i":-5,"i8":127,"u16":65535,"f":1.5e3,"f32":-0.25,"b":true,"s":"s\t","st":"ok",` +
			`"p":3,"ps":{"id":4,"label":"l"},"sl":[1,2,3],"ss":[{"id":5}],"bytes":"aGk=","arr":["a","b","c"],` +
			`"m":{"k":"v"},"ma":{"x":[1,"y",null,true,{"z":2}]},"mi":{"7":{"id":7}},"in":{"id":8},"a":{"b":[1.5]},` +
			`"n":-12.5e-1,"raw":{"r":[1, 2]},"t":"2024-05-01T10:20:30Z","tp":"2024-05-01T10:20:30.123+08:00",` +
			`"q":"42","qb":"true","tx":"text"}`,
		`{"i":"x","i8":300,"u16":-1,"f":1e400,"p":null,"ps":null,"sl":null,"m":null,"a":null,"n":"7","t":"bad"}`,
		`{"in":{"id":"x"},"ss":[{"id":1},{"label":2}],"mi":{"x":{}},"q":12,"qb":"yes","tx":5,"raw":null}`,
		`{"sl":[],"ss":[],"m":{},"ma":{},"arr":[],"bytes":"","a":[]}`,
		`{"I":1,"KIND":"k","Sl":[1,"2"],"MA":{"n":1e400}}`,
	}
	sliceSeeds = []string{
		string(sliceBody),
		`[{"sku":"a","qty":1,"price":1.5},{"sku":2},null,{"qty":"x"}]`,
		`[]`, `null`, `[[]]`, `{}`, `[{"id":"1"},]`,
	}
	mapSeeds = []string{
		`{"a":{"id":1,"label":"x"},"b":null,"c":{"id":"bad"}}`,
		`{"a":1,"b":"s","c":[true,null,{"d":-0.5e-3}],"e":{}}`,
		`{}`, `null`, `{"a":{"id":1},"a":{"label":"again"}}`, `[]`, `{"\ud800":1}`,
	}
)

func addSeeds(f *testing.F, seeds []string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// fuzzSame checks data against encoding/json into a zero value and into a
// value already holding the decoded first seed.
func fuzzSame[T any](t *testing.T, data []byte, prefill string) {
	if msg := compare(data, func() *T { return new(T) }); msg != "" {
		t.Fatalf("zero value, input %q\n%s", data, msg)
	}
	filled := func() *T {
		v := new(T)
		_ = json.Unmarshal([]byte(prefill), v)
		return v
	}
	if msg := compare(data, filled); msg != "" {
		t.Fatalf("filled value, input %q\n%s", data, msg)
	}
}

func FuzzDecodeUser(f *testing.F) {
	addSeeds(f, userSeeds)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSame[User](t, data, userSeeds[0]) })
}

func FuzzDecodeRich(f *testing.F) {
	addSeeds(f, richSeeds)
	addSeeds(f, userSeeds)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSame[Rich](t, data, richSeeds[0]) })
}

func FuzzDecodeSlice(f *testing.F) {
	addSeeds(f, sliceSeeds)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzSame[[]User](t, data, sliceSeeds[0])
		fuzzSame[[]Item](t, data, sliceSeeds[1])
	})
}

func FuzzDecodeMap(f *testing.F) {
	addSeeds(f, mapSeeds)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzSame[map[string]Inner](t, data, mapSeeds[0])
		fuzzSame[map[string]any](t, data, mapSeeds[1])
	})
}

func FuzzDecodeAny(f *testing.F) {
	addSeeds(f, mapSeeds)
	addSeeds(f, richSeeds)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSame[any](t, data, mapSeeds[1]) })
}

// Mixed gathers the types decoded along encoding/json's own steps:
// ",string" fields, promoted fields, methods, non-string map keys and
// non-empty interfaces.
type Mixed struct {
	Q   Quoted             `json:"q"`
	E   Embeds             `json:"e"`
	M   Methods            `json:"m"`
	K   map[textKey]int    `json:"k"`
	I   map[int8]string    `json:"i"`
	U   map[uint]bool      `json:"u"`
	Err error              `json:"err"`
	P   *unexportedPtr     `json:"p"`
	T   EmbedsTagged       `json:"t"`
	A   [2]json.RawMessage `json:"a"`
}

var mixedSeeds = []string{
	`{"q":{"I":"12","F":"1.5","B":"true","S":"\"hi\"","P":"7","N":"\"ok\"","JN":"12","T":"\"up\""},` +
		`"e":{"id":1,"kind":"k","Owner":"o","Secret":"s","shown":2},` +
		`"m":{"W":{"a":1},"T":"low","TP":"p","TS":"a,b","Tm":"2024-05-01T10:20:30Z","IP":"10.0.0.1","Raw":[1]},` +
		`"k":{"a":1,"bad":2},"i":{"1":"a","300":"b"},"u":{"-1":true,"2":false},"err":null,` +
		`"p":{"Secret":"x","Name":"n"},"t":{"tagger":{"kind":"t"}},"a":[{},null,3]}`,
	`{"q":{"I":"x","B":"tru","S":"plain","JN":"\"1x\""},"m":{"W":"fail"}}`,
	`{"m":{"W":"type","T":5,"Tm":"nope"},"err":{},"k":{"x":"y"}}`,
	`{"q":{"I":1e400,"U":"256","PP":"1"},"e":{"id":"x"},"i":{"x":1}}`,
}

func FuzzDecodeMixed(f *testing.F) {
	addSeeds(f, mixedSeeds)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzSame[Mixed](t, data, mixedSeeds[0]) })
}
