package bind

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestDecodeInvalidTargets checks that Decode reports what json.Unmarshal
// reports for targets that are not non-nil pointers, malformed input
// first, and never panics.
func TestDecodeInvalidTargets(t *testing.T) {
	var nilUser *User
	var nilAny any
	targets := []any{nil, nilAny, User{}, nilUser, 3, "s", map[string]any{}, []int(nil), reflect.ValueOf(&User{})}
	for _, data := range []string{`{"id":"1"}`, `{`, ``, `null`} {
		for _, v := range targets {
			want := json.Unmarshal([]byte(data), v)
			got := Decode([]byte(data), v)
			if msg := diffError(want, got); msg != "" || want == nil {
				t.Errorf("Decode(%q, %#v): %s (std %v)", data, v, msg, want)
			}
		}
	}
}

type (
	namedUserPtr  *User
	namedTextPtr  *textish
	namedIfacePtr *any
	namedPtrPtr   **textish
)

// TestDecodeNamedPointers decodes through named pointer types, whose
// targets' methods encoding/json does not use, and through pointers to
// pointers, whose do.
func TestDecodeNamedPointers(t *testing.T) {
	inputs := []string{`{"id":"1","name":"n"}`, `"text"`, `5`, `null`, `[1]`, `{"a":[1,"x"]}`, `"\u00e9"`}
	for _, in := range inputs {
		var u User
		var tx1, tx2 textish
		var a1, a2 any
		ptx1, ptx2 := &tx1, &tx2
		pairs := []struct{ std, bind any }{
			{namedUserPtr(&u), namedUserPtr(new(User))},
			{namedTextPtr(&tx1), namedTextPtr(&tx2)},
			{namedIfacePtr(&a1), namedIfacePtr(&a2)},
			{namedPtrPtr(&ptx1), namedPtrPtr(&ptx2)},
			{&ptx1, &ptx2},
		}
		for _, p := range pairs {
			want := json.Unmarshal([]byte(in), p.std)
			got := Decode([]byte(in), p.bind)
			if msg := diffError(want, got); msg != "" {
				t.Errorf("%T %s: %s", p.std, in, msg)
				continue
			}
			if !reflect.DeepEqual(reflect.ValueOf(p.std).Elem().Interface(), reflect.ValueOf(p.bind).Elem().Interface()) {
				t.Errorf("%T %s: std %#v, bind %#v", p.std, in, reflect.ValueOf(p.std).Elem(), reflect.ValueOf(p.bind).Elem())
			}
		}
	}
}

// TestDecodeSharesForsPlan checks that Decode and For use one plan.
func TestDecodeSharesForsPlan(t *testing.T) {
	if rootFor(reflect.TypeFor[*Rich]()) != For[Rich]().root {
		t.Error("Decode and For[Rich] use different codecs")
	}
}

// TestStringsAreCopies checks where decoded strings live: never in the
// input; short ones packed together, long ones in allocations of their own.
func TestStringsAreCopies(t *testing.T) {
	long := strings.Repeat("l", packMax+1)
	data := []byte(`{"id":"a","name":"b\n","job":"` + long + `","hero":"c"}`)
	var u User
	if err := For[User]().Decode(data, &u); err != nil {
		t.Fatal(err)
	}
	if u.ID != "a" || u.Name != "b\n" || u.Job != long || u.Hero != "c" {
		t.Fatalf("decoded %+v", u)
	}
	lo, hi := uintptr(unsafe.Pointer(&data[0])), uintptr(unsafe.Pointer(&data[len(data)-1]))
	for _, s := range []string{u.ID, u.Name, u.Job, u.Hero} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); lo <= p && p <= hi {
			t.Errorf("%.10q points into the input", s)
		}
	}
	// ID, Name and Hero share a chunk, in order; Job is not in it.
	id, name, hero := unsafe.StringData(u.ID), unsafe.StringData(u.Name), unsafe.StringData(u.Hero)
	if unsafe.Add(unsafe.Pointer(id), 1) != unsafe.Pointer(name) || unsafe.Add(unsafe.Pointer(name), 2) != unsafe.Pointer(hero) {
		t.Errorf("short strings not packed: %p %p %p", id, name, hero)
	}
	if job := uintptr(unsafe.Pointer(unsafe.StringData(u.Job))); job > uintptr(unsafe.Pointer(id)) && job < uintptr(unsafe.Pointer(hero)) {
		t.Error("the long string is in the chunk of the short ones")
	}
}

// TestArenaChunks checks how the arena sizes its chunks: by the input
// left, at most chunkMax bytes, and never for long strings.
func TestArenaChunks(t *testing.T) {
	var a arena
	if s := a.copy([]byte("abcd"), 10); s != "abcd" || a.chunk.Cap() > 32 {
		t.Errorf("first chunk of %d bytes for 14 bytes of input", a.chunk.Cap())
	}
	short := []byte("abcdefgh")
	chunks := 0
	for range 3 * chunkMax / len(short) {
		before := a.chunk.Len()
		if s := a.copy(short, 1<<20); s != string(short) {
			t.Fatalf("copied %q", s)
		}
		if a.chunk.Len() < before {
			chunks++
		}
		if c := a.chunk.Cap(); c > chunkMax {
			t.Fatalf("a chunk of %d bytes", c)
		}
	}
	if chunks < 3 {
		t.Errorf("%d chunks for %d bytes", chunks, 3*chunkMax)
	}
	long := []byte(strings.Repeat("l", packMax+1))
	before := a.chunk.Len()
	if s := a.copy(long, 0); s != string(long) || a.chunk.Len() != before {
		t.Errorf("a string of %d bytes went into a chunk", len(long))
	}
}
