package pattern

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		pattern, event, want string
	}{
		{`{"a":["x"]}`, `{"a":"x"}`, ``},
		{`{"a":["x","y"]}`, `{"a":"z"}`, `a: "z" is not one of ["x","y"]`},
		{`{"a":[1,null]}`, `{"a":2}`, `a: 2 is not one of [1,null]`},
		{`{"a":["x"]}`, `{}`, `a: missing, want ["x"]`},
		{`{"a":{"b":["x"]}}`, `{"a":"str"}`, `a.b: missing, want ["x"]`},
		{`{"a":["x"]}`, `{"a":["y","z"]}`, `a: ["y","z"] does not match ["x"]`},
		{`{"a":["x"]}`, `{"a":{"k":"<v>"}}`, `a: {"k":"<v>"} is not one of ["x"]`},
		{`{"a":[{"exists":false}]}`, `{"a":null}`, `a: null does not match [{"exists":false}]`},
		{`{"a":[{"numeric":[">",0,"<=",5]}]}`, `{"a":6}`, `a: 6 does not match [{"numeric":[">",0,"<=",5]}]`},
		{`{"a":["x",{"prefix":"p"}]}`, `{"a":"q"}`, `a: "q" does not match ["x",{"prefix":"p"}]`},
		// The first failing field in canonical order is reported.
		{`{"z":["1"],"a":["1"]}`, `{"z":"2","a":"2"}`, `a: "2" is not one of ["1"]`},
		{`{"z":["1"],"a":["1"]}`, `{"z":"2","a":"1"}`, `z: "2" is not one of ["1"]`},
	}
	for _, tt := range tests {
		d, err := JSON([]byte(tt.event))
		if err != nil {
			t.Fatal(err)
		}
		if got := MustCompile(tt.pattern).Explain(d); got != tt.want {
			t.Errorf("Explain(%s, %s)\n got %s\nwant %s", tt.pattern, tt.event, got, tt.want)
		}
	}
}

func TestExplainShortensLongValues(t *testing.T) {
	long := strings.Repeat("é", 100)
	got := MustCompile(`{"a":["x"]}`).Explain(Map(map[string]any{"a": long}))
	if len(got) > 120 || !strings.HasSuffix(got, `... is not one of ["x"]`) {
		t.Errorf("Explain = %q", got)
	}
	if !strings.HasPrefix(got, `a: "éé`) || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("Explain cut a character: %q", got)
	}
}
