package bind

import (
	"encoding/json"
	"testing"
	"unsafe"
)

type Pointers struct {
	S   *string
	I   *int
	PP  **int
	St  *Inner
	Any *any
	Sl  *[]int
}

type Slices struct {
	S  []string
	I  []int
	B  []byte
	MB []myByte
	BB [][]byte
	St []Inner
	P  []*Inner
	A  [2]int
	AS [3]Inner
	Z  [0]int
	E  []struct{}
}

type myByte uint8

type Maps struct {
	SS  map[string]string
	SA  map[string]any
	SI  map[string]int
	SSt map[string]Inner
	SP  map[string]*Inner
	SSl map[string][]int
	Nm  Props
}

type Props map[string]string

type Anys struct {
	A  any
	AS []any
	AM map[string]any
	E  error
	N  any
}

type Odd struct {
	C  chan int
	F  func()
	X  complex128
	U  unsafe.Pointer
	OK int
}

func TestPointers(t *testing.T) {
	same[Pointers](t,
		`{"S":"s","I":1,"PP":2,"St":{"id":3},"Any":{"a":[1]},"Sl":[1,2]}`,
		`{"S":null,"I":null,"PP":null,"St":null,"Any":null,"Sl":null}`,
		`{"I":"x"}`, `{"PP":"x"}`, `{"St":5}`, `{"Sl":{}}`,
	)
	x, y := 5, 6
	sameFrom(t, func() *Pointers {
		px := new(int)
		*px = x
		return &Pointers{I: &y, PP: &px, St: &Inner{ID: 9, Label: "keep"}}
	},
		`{"I":7,"PP":8,"St":{"id":1}}`,
		`{"I":null,"PP":null,"St":null}`,
		`{"I":"bad","St":{"label":5}}`,
	)
	same[*int](t, `1`, `null`, `"x"`)
	same[**Inner](t, `{"id":1}`, `null`)
}

func TestSlices(t *testing.T) {
	same[Slices](t,
		`{"S":["a","b"],"I":[1,2,3],"B":"aGVsbG8=","MB":"AQI=","BB":["AA==",null],"St":[{"id":1}],"P":[{"id":2},null]}`,
		`{"S":[],"I":[],"B":"","MB":[],"St":[],"P":[]}`,
		`{"S":null,"I":null,"B":null}`,
		`{"B":[1,2,300]}`, `{"B":"!!"}`, `{"B":"aGVsbG8"}`, `{"B":"aGVs\nbG8="}`, `{"B":"aGVs\\nbG8="}`,
		`{"B":5}`, `{"I":[1,"x",3]}`, `{"I":"x"}`, `{"I":{}}`,
		`{"A":[1]}`, `{"A":[1,2,3]}`, `{"A":[]}`, `{"A":null}`, `{"A":["x",2]}`, `{"A":{}}`,
		`{"AS":[{"id":1},{"id":"x"}]}`, `{"Z":[1,2]}`, `{"E":[{},{"a":1}]}`,
		`{"I":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}`,
		`{"I":[1,]}`, `{"I":[,1]}`, `{"I":[1 2]}`,
	)
	sameFrom(t, func() *Slices {
		backing := make([]Inner, 3, 4)
		backing[0] = Inner{ID: 1, Label: "one"}
		backing[2] = Inner{ID: 3, Label: "three"}
		full := backing[:4]
		full[3] = Inner{ID: 4, Label: "stale"}
		return &Slices{St: backing[:1], I: []int{9, 9, 9}, A: [2]int{7, 7}, B: []byte("old")}
	},
		`{"St":[{"id":10},{"label":"b"},{},{}],"I":[1],"A":[5]}`,
		`{"St":[],"I":[]}`,
		`{"St":[{"id":10},{"label":"b"},{},{},{}]}`,
		`{"St":null,"B":[]}`,
	)
	same[[]User](t, string(sliceBody), `[]`, `null`, `[null]`, `[1]`)
	same[[3]int](t, `[1,2,3,4]`, `[1]`)
}

func TestMaps(t *testing.T) {
	same[Maps](t,
		`{"SS":{"a":"b","c":"d"},"SA":{"x":[1,"s",true,null,{"y":1.5}]},"SI":{"n":1},"SSt":{"k":{"id":1}},"SP":{"p":{"id":2},"q":null},"SSl":{"l":[1]},"Nm":{"p":"q"}}`,
		`{"SS":{},"SA":{},"SS":null}`,
		`{"SS":{"a":1,"b":null,"c":"ok"}}`,
		`{"SI":{"a":"x","b":2}}`,
		`{"SA":{"big":1e400,"ok":1}}`,
		`{"SS":{"a":"1","a":"2"}}`,
		`{"SS":{"\u00e9\n":"esc key"}}`,
		`{"SS":[]}`, `{"SS":"x"}`, `{"SA":5}`,
		`{"SS":{"a" : "b" , "c":"d" }}`,
		`{"SS":{"a":"b",}}`, `{"SS":{"a"}}`, `{"SS":{1:2}}`,
	)
	sameFrom(t, func() *Maps {
		return &Maps{SS: map[string]string{"keep": "me"}, SA: map[string]any{"old": 1.0}, SSt: map[string]Inner{"k": {ID: 1, Label: "l"}}}
	},
		`{"SS":{"new":"v"},"SA":{"n":2},"SSt":{"k":{"id":2}}}`,
		`{"SS":null}`,
	)
	same[map[string]string](t, `{"a":"b"}`, `null`, `{"a":{}}`)
	same[map[string]any](t, `{"a":{"b":{"c":[[],{}]}}}`, `{"n":-0}`)
	same[Props](t, `{"a":"b"}`)
}

func TestAny(t *testing.T) {
	same[Anys](t,
		`{"A":{"x":[1,2.5,"s",true,false,null,{}]},"AS":[1,"a"],"AM":{"k":[]},"N":null}`,
		`{"A":1e400}`, `{"A":[1e400]}`, `{"A":{"a":1e400}}`, `{"A":-0}`,
		`{"E":null}`, `{"E":"s"}`, `{"E":1}`, `{"E":1e400}`, `{"E":{}}`, `{"E":[]}`, `{"E":true}`,
		`{"A":"\ud800"}`, `{"AS":[]}`, `{"AS":null}`,
	)
	same[any](t, `1`, `"s"`, `null`, `[1,{"a":null}]`, `{"a":{"b":[]}}`, `1e400`, `true`)
	n := 1
	sameFrom(t, func() *Anys {
		var inner any = &Inner{ID: 5}
		return &Anys{A: &n, AS: []any{&Inner{}}, N: &inner, AM: map[string]any{"p": &n}}
	},
		`{"A":7,"AS":[{"id":1}],"N":{"id":2},"AM":{"p":3}}`,
		`{"A":null,"N":null}`,
		`{"A":"x","N":"y"}`,
		`{"A":{"x":1}}`,
	)
	sameFrom(t, func() *Anys {
		var self any
		self = &self
		pi := new(int)
		return &Anys{A: self, N: &pi}
	},
		`{"A":{"x":1},"N":5}`,
		`{"A":null,"N":null}`,
	)
	sameFrom(t, func() *Anys {
		return &Anys{E: &jsonErr{}}
	},
		`{"E":{"Msg":"m"}}`, `{"E":null}`, `{"E":"x"}`,
	)
}

type jsonErr struct{ Msg string }

func (e *jsonErr) Error() string { return e.Msg }

func TestUnsupportedKinds(t *testing.T) {
	same[Odd](t,
		`{"C":null,"F":null,"X":null,"U":null,"OK":1}`,
		`{"C":1,"OK":1}`, `{"F":"s"}`, `{"X":[1,2]}`, `{"U":{}}`, `{"C":true}`,
	)
}

func TestRawMessage(t *testing.T) {
	type R struct {
		A json.RawMessage
		B *json.RawMessage
		C []json.RawMessage
		D map[string]json.RawMessage
	}
	same[R](t,
		`{"A":  { "x" : [ 1 ] } ,"B":"s","C":[1, "two", null],"D":{"k":  true }}`,
		`{"A":null,"B":null,"C":null}`,
	)
}
