package pattern

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		pattern string
		want    string // the whole error message
	}{
		{`{"data":{"userProperties":{"tenant":[{"regex":"a.*"}]}}}`, `pattern: data.userProperties.tenant: unknown operator "regex"`},
		{`{"source":"acs.oss"}`, `pattern: source: want an array of conditions or an object, got string`},
		{`{"data":{"n":5}}`, `pattern: data.n: want an array of conditions or an object, got number`},
		{`{"data":{"b":true}}`, `pattern: data.b: want an array of conditions or an object, got boolean`},
		{`{"data":null}`, `pattern: data: want an array of conditions or an object, got null`},
		{`{"data":{"topic":[]}}`, `pattern: data.topic: empty array of conditions`},
		{`{"data":{}}`, `pattern: data: empty object; a field needs an array of conditions`},
		{`{"a":[["x"]]}`, `pattern: a: a condition cannot be an array`},
		{`{"a":[{}]}`, `pattern: a: an operator object needs exactly one key, got 0`},
		{`{"a":[{"prefix":"x","suffix":"y"}]}`, `pattern: a: an operator object needs exactly one key, got 2`},
		{`{"a":[{"prefix":1}]}`, `pattern: a: "prefix" needs a string, got number`},
		{`{"a":[{"suffix":null}]}`, `pattern: a: "suffix" needs a string, got null`},
		{`{"a":[{"contains":["x"]}]}`, `pattern: a: "contains" needs a string, got array`},
		{`{"a":[{"exists":"true"}]}`, `pattern: a: "exists" needs true or false, got string`},
		{`{"a":[{"anything-but":true}]}`, `pattern: a: "anything-but" needs a string, number, array or object, got boolean`},
		{`{"a":[{"anything-but":[]}]}`, `pattern: a: "anything-but" needs at least one value`},
		{`{"a":[{"anything-but":["x",null]}]}`, `pattern: a: "anything-but" values must be strings or numbers, got null`},
		{`{"a":[{"anything-but":{"contains":"x"}}]}`, `pattern: a: "anything-but" supports "prefix" or "suffix", got "contains"`},
		{`{"a":[{"anything-but":{"prefix":5}}]}`, `pattern: a: "prefix" needs a string, got number`},
		{`{"a":[{"anything-but":{}}]}`, `pattern: a: "anything-but" object needs exactly one key, got 0`},
		{`{"a":[{"numeric":">"}]}`, `pattern: a: "numeric" needs [op, number] or [op, number, op, number]`},
		{`{"a":[{"numeric":[">"]}]}`, `pattern: a: "numeric" needs [op, number] or [op, number, op, number]`},
		{`{"a":[{"numeric":[">",1,"<"]}]}`, `pattern: a: "numeric" needs [op, number] or [op, number, op, number]`},
		{`{"a":[{"numeric":[">",1,"<",2,"=",3]}]}`, `pattern: a: "numeric" needs [op, number] or [op, number, op, number]`},
		{`{"a":[{"numeric":["=>",1]}]}`, `pattern: a: "numeric": bad comparison "=>"; use =, !=, >, >=, < or <=`},
		{`{"a":[{"numeric":[1,">"]}]}`, `pattern: a: "numeric": bad comparison 1; use =, !=, >, >=, < or <=`},
		{`{"a":[{"numeric":[">","1"]}]}`, `pattern: a: "numeric": ">" needs a number, got string`},
		{`{"a":[{"cidr":10}]}`, `pattern: a: "cidr" needs a string, got number`},
		{`{"a":{"":[1]},"b":{"x.y":[{"op":1}]}}`, `pattern: b."x.y": unknown operator "op"`},
		{`{"":{"x":[{"op":1}]}}`, `pattern: "".x: unknown operator "op"`},
		{`{"a b":{"\n":[]}}`, `pattern: "a b"."\n": empty array of conditions`},
		{`{"a":[1],"a":[2]}`, `pattern: a: duplicate key`},
		{`{"d":{"k":[1],"k":{}}}`, `pattern: d.k: duplicate key`},
		{`[]`, `pattern: must be a JSON object, got array`},
		{`"x"`, `pattern: must be a JSON object, got string`},
		{`{} {}`, `pattern: unexpected data after the top-level object`},
	}
	for _, tt := range tests {
		_, err := Compile([]byte(tt.pattern))
		if err == nil {
			t.Errorf("Compile(%s) succeeded, want error %q", tt.pattern, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Compile(%s)\n got %q\nwant %q", tt.pattern, err, tt.want)
		}
	}
}

// TestCompileErrorsWrapped checks errors with an underlying cause: the
// message names the path and errors.As reaches the cause.
func TestCompileErrorsWrapped(t *testing.T) {
	_, err := Compile([]byte(`{"ip":[{"cidr":"10.0.0.0/33"}]}`))
	if err == nil || !strings.HasPrefix(err.Error(), `pattern: ip: bad cidr "10.0.0.0/33": `) {
		t.Errorf("bad cidr: got %v", err)
	}
	_, err = Compile([]byte(`{"ip":[{"cidr":"10.0.0.1"}]}`))
	if err == nil || !strings.HasPrefix(err.Error(), `pattern: ip: bad cidr "10.0.0.1": `) {
		t.Errorf("cidr without length: got %v", err)
	}
	_, err = Compile([]byte(`{"data":{"n":[{"numeric":["<",1e400]}]}}`))
	var numErr *strconv.NumError
	if !errors.As(err, &numErr) || !strings.HasPrefix(err.Error(), "pattern: data.n: bad number 1e400: ") {
		t.Errorf("number out of range: got %v", err)
	}
	for _, src := range []string{`{"n":[1e400]}`, `{"n":[{"anything-but":-1e400}]}`, `{"n":[{"anything-but":[1,1e999]}]}`} {
		if _, err := Compile([]byte(src)); !errors.As(err, &numErr) || !strings.HasPrefix(err.Error(), "pattern: n: bad number ") {
			t.Errorf("Compile(%s) = %v, want bad number", src, err)
		}
	}
	_, err = Compile([]byte(`{"a":[1,}`))
	if err == nil || !strings.HasPrefix(err.Error(), "pattern: invalid json: ") {
		t.Errorf("syntax error: got %v", err)
	}
	for _, src := range []string{``, `{`, `{"a":`, `{"a":[1`} {
		if _, err := Compile([]byte(src)); err == nil || !strings.HasPrefix(err.Error(), "pattern: invalid json: ") {
			t.Errorf("Compile(%q) = %v, want invalid json", src, err)
		}
	}
}

func TestCompileDepthLimit(t *testing.T) {
	deep := strings.Repeat(`{"a":`, maxDepth+1) + `["x"]` + strings.Repeat(`}`, maxDepth+1)
	_, err := Compile([]byte(deep))
	if err == nil || !strings.Contains(err.Error(), "nested more than 64 levels deep") {
		t.Errorf("deep pattern: got %v", err)
	}
	ok := strings.Repeat(`{"a":`, maxDepth-1) + `["x"]` + strings.Repeat(`}`, maxDepth-1)
	if _, err := Compile([]byte(ok)); err != nil {
		t.Errorf("pattern at the depth limit: %v", err)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{}`, `{}`},
		{` { "b" : [ "x" ] , "a" : [ 1 ] } `, `{"a":[1],"b":["x"]}`},
		{`{"n":[1.0, 1e3, -0.5, 100000000000000000000000]}`, `{"n":[1,1000,-0.5,1e+23]}`},
		{`{"s":["<&>", "\u00e9"]}`, `{"s":["<&>","é"]}`},
		{`{"ip":[{"cidr":"10.0.0.9/24"}]}`, `{"ip":[{"cidr":"10.0.0.0/24"}]}`},
		{`{"x":[{"anything-but":"a"},{"anything-but":["a"]},{"anything-but":{"suffix":"z"}}]}`,
			`{"x":[{"anything-but":"a"},{"anything-but":["a"]},{"anything-but":{"suffix":"z"}}]}`},
		{`{"x":[{"numeric":[">=",0,"<",1.5]},{"exists":false},null,true,""]}`,
			`{"x":[{"numeric":[">=",0,"<",1.5]},{"exists":false},null,true,""]}`},
		{`{"data":{"b":["1"],"a":{"z":["2"],"y":["3"]}},"type":["t"]}`,
			`{"data":{"a":{"y":["3"],"z":["2"]},"b":["1"]},"type":["t"]}`},
	}
	for _, tt := range tests {
		p := MustCompile(tt.in)
		if got := p.String(); got != tt.want {
			t.Errorf("String(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
		if again := MustCompile(p.String()).String(); again != p.String() {
			t.Errorf("String not stable: %s then %s", p.String(), again)
		}
	}
}

func TestPaths(t *testing.T) {
	p := MustCompile(`{"type":["t"],"data":{"topic":["o"],"systemProperties":{"TAGS":["a"],"KEYS":["k"]}}}`)
	want := [][]string{
		{"data", "systemProperties", "KEYS"},
		{"data", "systemProperties", "TAGS"},
		{"data", "topic"},
		{"type"},
	}
	got := p.Paths()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Paths() = %q, want %q", got, want)
	}
	got[0][0] = "changed"
	if p.Paths()[0][0] != "data" {
		t.Error("Paths returned the pattern's own slices")
	}
	if n := len(MustCompile(`{}`).Paths()); n != 0 {
		t.Errorf("Paths of {} has %d entries", n)
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || !strings.Contains(err.Error(), `unknown operator "regex"`) {
			t.Errorf("recovered %v, want the compile error", r)
		}
	}()
	MustCompile(`{"a":[{"regex":"x"}]}`)
}
