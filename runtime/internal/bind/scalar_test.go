package bind

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Job  string `json:"job"`
	Hero string `json:"hero"`
}

type Ints struct {
	I   int
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U   uint
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	UP  uintptr
}

type Floats struct {
	F32 float32
	F64 float64
}

type Status string

type Scalars struct {
	S  string
	St Status
	B  bool
	N  json.Number
}

func TestStrings(t *testing.T) {
	same[User](t,
		`{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}`,
		` {"id" : "1" , "name":"b"}  `,
		`{"id":""}`,
		`{"id":"tab\there \"q\" \\ \/ \b\f\n\r"}`,
		`{"id":"\u00e9\u4e2d\uD83D\uDE00"}`,
		`{"id":"é中😀 plain utf-8"}`,
		`{"id":"lone \uD800 high"}`,
		`{"id":"lone \uDC00 low"}`,
		`{"id":"\uD800\uD800 twice"}`,
		`{"id":"\uD800\u0041 then A"}`,
		`{"id":"\uD800\\u0041"}`,
		"{\"id\":\"bad \xff utf8 \xc3\"}",
		"{\"id\":\"trunc \xe4\xb8\"}",
		"{\"id\":\"\xed\xa0\x80 surrogate bytes\"}",
		`{"id":"a longer string that goes over the eight byte words and more"}`,
		`{"id":"long with escape at the end of a long run of plain bytes\n"}`,
		`{"id":1}`, `{"id":true}`, `{"id":{}}`, `{"id":[1]}`, `{"id":null}`,
		`{"name":1.5e3,"id":"x"}`,
	)
}

func TestScalars(t *testing.T) {
	same[Scalars](t,
		`{"S":"s","St":"ok","B":true,"N":12.5e-3}`,
		`{"B":false}`, `{"B":null}`, `{"B":"true"}`, `{"B":1}`,
		`{"N":"123"}`, `{"N":"-0.5e+7"}`, `{"N":"12x"}`, `{"N":""}`, `{"N":true}`,
		`{"N":"\u0031"}`, `{"N":null}`, `{"N":{}}`,
		`{"St":5}`,
	)
}

func TestInts(t *testing.T) {
	same[Ints](t,
		`{"I":-9223372036854775808,"I64":9223372036854775807}`,
		`{"I":9223372036854775808}`,
		`{"I8":127,"I16":-32768,"I32":2147483647}`,
		`{"I8":128}`, `{"I8":-129}`, `{"I8":300}`,
		`{"I16":32768}`, `{"I32":-2147483649}`,
		`{"U":18446744073709551615,"U8":255,"U16":65535,"U32":4294967295}`,
		`{"U64":18446744073709551616}`, `{"U8":256}`, `{"U":-1}`, `{"U":-0}`,
		`{"I":-0}`, `{"I":1.0}`, `{"I":1e2}`, `{"I":1.5}`, `{"U":1E0}`,
		`{"I":123456789012345678}`, `{"I":1234567890123456789}`, `{"I":-1234567890123456789}`,
		`{"U":12345678901234567890}`, `{"U":1234567890123456789}`,
		`{"I":"1"}`, `{"I":null,"U":null}`, `{"UP":42}`,
		`{"I":1,"I8":"x","I16":7}`,
	)
}

func TestFloats(t *testing.T) {
	same[Floats](t,
		`{"F32":1.5,"F64":-2.25}`,
		`{"F64":1e308,"F32":3.4e38}`,
		`{"F64":1e309}`, `{"F32":3.5e38}`, `{"F64":-1e400}`,
		`{"F64":1e-400}`, `{"F64":-0}`, `{"F64":-0.0}`, `{"F32":-0}`,
		`{"F64":123456789012345678901234567890}`,
		`{"F64":999999999999999}`, `{"F64":9007199254740993}`, `{"F32":16777217}`,
		`{"F32":123456789}`, `{"F64":0.1}`, `{"F32":0.1}`,
		`{"F64":"1"}`, `{"F64":null}`, `{"F64":[]}`,
	)
}

// TestParseFloatMatchesStrconv checks the exact fast path against strconv
// on random decimals of the shapes it accepts and rejects.
func TestParseFloatMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 400000 {
		var s string
		switch n % 5 {
		case 0:
			s = strconv.FormatFloat(r.NormFloat64()*1e6, 'f', r.IntN(10), 64)
		case 1:
			s = strconv.FormatInt(r.Int64N(1e16)-5e15, 10) + "." + strconv.Itoa(r.IntN(1000))
		case 2:
			s = strconv.Itoa(r.IntN(100000)) + "e" + strconv.Itoa(r.IntN(60)-30)
		case 3:
			s = "-0.000" + strconv.Itoa(r.IntN(1e9))
		default:
			s = strconv.FormatInt(r.Int64()>>r.IntN(63), 10)
		}
		for _, bits := range []uint8{32, 64} {
			d := decoder{data: []byte(s)}
			lit, integer, err := d.number()
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			got, ok := parseFloat(lit, integer, bits)
			want, werr := strconv.ParseFloat(s, int(bits))
			if ok != (werr == nil) || ok && (got != want || math.Signbit(got) != math.Signbit(want)) {
				t.Fatalf("%s/%d: got %v %v, want %v %v", s, bits, got, ok, want, werr)
			}
		}
	}
}
