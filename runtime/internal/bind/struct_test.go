package bind

import (
	"testing"
)

type Tagged struct {
	A string `json:"alpha"`
	B string `json:"-"`
	//lint:ignore SA5008 a name of "-" spelled "-,", which encoding/json accepts; the test checks bind reads it the same way
	C string `json:"-,"`
	D string `json:",omitempty"`
	E string `json:"e,omitempty"`
	//lint:ignore SA5008 a malformed name, which encoding/json ignores for the field name; the test checks bind does too
	F int `json:"bad\"name"`
	G int `json:"héllo"`
	H int `json:"a-b.c"`
	//lint:ignore U1000 an unexported field, which decoding must leave alone
	private string
	Untag   int
}

type Folds struct {
	Kelvin string `json:"k"`
	Long   string `json:"ſ"`
	Upper  string `json:"AB"`
	Lower  string `json:"ab"`
	Unicd  string `json:"Straße"`
	Title  string
}

type Big struct {
	F01, F02, F03, F04, F05, F06, F07, F08, F09, F10 string
	F11, F12, F13, F14, F15, F16, F17, F18, F19, F20 int
	Alpha                                            string `json:"alpha"`
	ALPHA                                            string `json:"ALPHA"`
}

func TestTags(t *testing.T) {
	same[Tagged](t,
		`{"alpha":"a","B":"b","-":"c","D":"d","e":"e"}`,
		`{"A":"x","C":"y","private":"p","Untag":3}`,
		`{"bad\"name":1,"F":2}`,
		`{"héllo":1,"HÉLLO":2}`, `{"G":5}`,
		`{"a-b.c":7}`, `{"A-B.C":8}`,
		`{"alpha":"1","alpha":"2"}`,
		`{"ALPHA":"up"}`, `{"aLpHa":"mixed"}`,
		`{"unknown":{"deep":[1,2,{"x":null}]},"alpha":"after"}`,
		`{"\u0061lpha":"escaped key"}`,
	)
}

func TestFolding(t *testing.T) {
	same[Folds](t,
		`{"K":"k upper"}`, `{"\u212a":"kelvin sign"}`, `{"k":"exact"}`,
		`{"s":"long s"}`, `{"S":"S"}`, `{"ſ":"exact long s"}`,
		`{"Ab":"first fold"}`, `{"AB":"exact"}`, `{"ab":"exact lower"}`,
		`{"STRASSE":"no"}`, `{"straße":"fold"}`, `{"STRAßE":"fold2"}`,
		`{"title":"t"}`, `{"TITLE":"T"}`, `{"tItLe":"x"}`,
		"{\"TITL\xff\":\"bad utf8 key\"}",
	)
	same[Big](t,
		`{"f01":"a","F20":20,"f11":11,"alpha":"x","ALPHA":"y","Alpha":"z"}`,
		`{"aLPHA":"fold"}`, `{"f05":"5","f05":"6"}`, `{"F21":1}`,
	)
}

type Inner struct {
	ID    int    `json:"id"`
	Label string `json:"label"`
}

type Outer struct {
	Name  string           `json:"name"`
	In    Inner            `json:"inner"`
	Ptr   *Inner           `json:"ptr"`
	List  []Inner          `json:"list"`
	ByKey map[string]Inner `json:"byKey"`
}

func TestNestedAndErrorPaths(t *testing.T) {
	same[Outer](t,
		`{"name":"n","inner":{"id":1,"label":"l"},"ptr":{"id":2},"list":[{"id":3}],"byKey":{"a":{"id":4}}}`,
		`{"inner":{"id":"x"}}`,
		`{"ptr":{"id":"x"}}`,
		`{"list":[{"id":1},{"id":"x"}]}`,
		`{"byKey":{"k":{"id":true}}}`,
		`{"byKey":{"k":5}}`,
		`{"inner":5}`, `{"inner":[1]}`, `{"inner":"s"}`,
		`{"list":{"id":1}}`, `{"list":"s"}`,
		`{"inner":{"id":"x"},"name":7}`,
		`{"name":7,"inner":{"id":"x"}}`,
		`{"inner":{"id":1.5},"ptr":{"label":3}}`,
		`{"inner":null,"ptr":null,"list":null,"byKey":null}`,
	)
	same[[]Outer](t, `[{"inner":{"id":"x"}}]`, `[1,{"name":2}]`)
	same[map[string]Outer](t, `{"a":{"inner":{"id":"x"}}}`)
}

type Quoted struct {
	I int     `json:",string"`
	U uint8   `json:",string"`
	F float64 `json:",string"`
	B bool    `json:",string"`
	S string  `json:",string"`
	P *int    `json:",string"`
	//lint:ignore SA5008 ",string" on a pointer to a pointer, which encoding/json ignores; the test checks bind does too
	PP **int `json:",string"`
	//lint:ignore SA5008 ",string" on a slice, which encoding/json ignores; the test checks bind does too
	Sl []int    `json:",string"`
	N  Status   `json:",string"`
	JN jsonNum  `json:",string"`
	T  textish  `json:",string"`
	Ti *textish `json:",string"`
}

func TestStringOptionOnFilledValues(t *testing.T) {
	sameFrom(t, func() *Quoted {
		n := 7
		return &Quoted{P: &n, I: 3, S: "keep"}
	},
		`{"P":1e400}`, `{"P":1}`, `{"P":null}`, `{"I":1e400,"S":1e400}`, `{"P":"1e400"}`,
	)
}

func TestStringOption(t *testing.T) {
	same[Quoted](t,
		`{"I":"12","U":"255","F":"1.5","B":"true","S":"\"hi\"","P":"7","PP":"8","Sl":[1],"N":"\"ok\""}`,
		`{"I":12}`, `{"I":"x"}`, `{"I":"1.5"}`, `{"I":""}`, `{"I":null}`, `{"I":"null"}`,
		`{"I":" 1"}`, `{"I":"1 "}`, `{"I":"-"}`, `{"I":"nul"}`, `{"I":"true"}`, `{"I":"\"1\""}`,
		`{"I":{}}`, `{"I":[]}`, `{"I":true}`, `{"I":1e400}`,
		`{"U":"256"}`, `{"U":"-1"}`, `{"F":"-Inf"}`, `{"F":"0x1p3"}`, `{"F":"1e400"}`, `{"F":"abc"}`,
		`{"B":"false"}`, `{"B":"1"}`, `{"B":"tru"}`, `{"B":"null"}`, `{"B":"x"}`,
		`{"S":"plain"}`, `{"S":"\"unterminated"}`, `{"S":"\"a\\u00e9\""}`, `{"S":"\"it\\'s\""}`,
		`{"S":"\"a\"b\""}`, `{"S":"null"}`, `{"S":"true"}`, `{"S":"12"}`, `{"S":"\"\\x\""}`,
		`{"P":null}`, `{"P":"null"}`, `{"P":"x"}`, `{"PP":"1"}`, `{"P":1e400}`, `{"P":1}`,
		`{"N":"12"}`, `{"JN":"12"}`, `{"JN":"\"12\""}`, `{"JN":"\"1x\""}`, `{"JN":"1.5.5"}`, `{"JN":"abc"}`,
		`{"T":"\"up\""}`, `{"T":"5"}`, `{"T":"null"}`, `{"T":null}`, `{"Ti":"\"x\""}`, `{"Ti":null}`,
	)
}
