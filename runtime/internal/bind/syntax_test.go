package bind

import (
	"strings"
	"testing"
)

var malformed = []string{
	``, ` `, `{`, `}`, `{"id"`, `{"id":`, `{"id":"x"`, `{"id":"x",}`, `{,}`, `{"id" "x"}`,
	`{"id":"x"}}`, `{"id":"x"} {}`, `{"id":"x"}x`, `{"id":"x" "y"}`, `{id:"x"}`, `{'id':"x"}`,
	`{"id":"\x"}`, `{"id":"\u12"}`, `{"id":"\u12G4"}`, `{"id":"\'"}`, "{\"id\":\"a\x01b\"}",
	"{\"id\":\"tab\tinside\"}", `{"id":"unterminated}`, `{"name":tru}`, `{"name":nul}`,
	`{"name":falsey}`, `{"name":truex}`, `{"name":01}`, `{"name":-}`, `{"name":1.}`, `{"name":.5}`,
	`{"name":1e}`, `{"name":1e+}`, `{"name":+1}`, `{"name":0x10}`, `{"name":NaN}`, `{"name":1.5.5}`,
	`{"name":[1,2}`, `{"name":{"a":1]}`, `{"name":"x"`, "\x00", `[`, `[1,2`, `nul`, `"`, `-`,
	"{\"id\":\"x\"}\x00", `{"id":"x"}` + "\u00a0", `{"a":"b"},`,
}

func TestMalformed(t *testing.T) {
	for _, in := range malformed {
		for _, msg := range []string{
			compare([]byte(in), func() *User { return new(User) }),
			compare([]byte(in), func() *any { return new(any) }),
			compare([]byte(in), func() *Methods { return new(Methods) }),
			compare([]byte(in), func() *map[string]string { return new(map[string]string) }),
		} {
			if msg != "" {
				t.Errorf("%q\n%s", in, msg)
			}
		}
	}
}

func TestWhitespace(t *testing.T) {
	same[User](t, " \t\r\n{ \"id\" \n:\t\"x\" \r, \"name\" : \"y\" } \n\t ")
	same[[]int](t, "[ 1 , 2\n,3 ]", "[\n]", "[ ]")
	same[map[string]any](t, "{ }", "{ \"a\" : [ ] }")
	same[int](t, " 5 ", "5", "\n-1\n")
}

func TestDepth(t *testing.T) {
	for _, n := range []int{9999, 10000, 10001, 20000} {
		arrays := strings.Repeat("[", n) + strings.Repeat("]", n)
		objects := strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
		for _, in := range []string{arrays, objects} {
			for _, msg := range []string{
				compare([]byte(in), func() *any { return new(any) }),
				compare([]byte(in), func() *User { return new(User) }),
				compare([]byte(in), func() *Nest { return new(Nest) }),
				compare([]byte(in), func() *Tree { return new(Tree) }),
			} {
				if msg != "" {
					t.Errorf("depth %d: %.300s", n, msg)
				}
			}
		}
	}
}

// Nest and Tree are recursive types.
type Nest struct {
	A *Nest `json:"a"`
}

type Tree []Tree
