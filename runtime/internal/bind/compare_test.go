package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// compare decodes data with encoding/json, with the plan for T and with
// Decode (a *T in an any), each into a value made by fresh, and describes
// any difference: in the error (class, and every field of a type or syntax
// error) or, unless the input is malformed, in the decoded value. The
// decoders read private copies of data that are overwritten before the
// values are compared, so a value that points into its input differs.
func compare[T any](data []byte, fresh func() *T) string {
	want, got, gotAny := fresh(), fresh(), fresh()
	wantErr := json.Unmarshal(data, want)
	in, inAny := bytes.Clone(data), bytes.Clone(data)
	gotErr := For[T]().Decode(in, got)
	gotAnyErr := Decode(inAny, any(gotAny))
	clobber(in)
	clobber(inAny)
	if msg := diffError(wantErr, gotErr); msg != "" {
		return msg
	}
	if msg := diffError(gotErr, gotAnyErr); msg != "" {
		return "Plan.Decode and Decode: " + msg
	}
	var se *json.SyntaxError
	if errors.As(wantErr, &se) {
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("value:\n std: %#v\nbind: %#v", *want, *got)
	}
	if !reflect.DeepEqual(want, gotAny) {
		return fmt.Sprintf("value:\n   std: %#v\nDecode: %#v", *want, *gotAny)
	}
	return ""
}

// clobber overwrites b, to catch values that alias it.
func clobber(b []byte) {
	for i := range b {
		b[i] = '#'
	}
}

func diffError(want, got error) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil || got == nil:
		return fmt.Sprintf("error: std %v, bind %v", want, got)
	}
	var wt, gt *json.UnmarshalTypeError
	if errors.As(want, &wt) {
		if !errors.As(got, &gt) {
			return fmt.Sprintf("error: std %#v, bind %T %v", wt, got, got)
		}
		if *wt != *gt {
			return fmt.Sprintf("type error:\n std %#v\nbind %#v", *wt, *gt)
		}
		return ""
	}
	var ws, gs *json.SyntaxError
	if errors.As(want, &ws) {
		if !errors.As(got, &gs) || ws.Error() != gs.Error() || ws.Offset != gs.Offset {
			return fmt.Sprintf("syntax error: std %v (at %d), bind %T %v", want, ws.Offset, got, got)
		}
		return ""
	}
	if want.Error() != got.Error() {
		return fmt.Sprintf("error: std %T %v, bind %T %v", want, want, got, got)
	}
	return ""
}

// same runs compare on each input with zero values of T.
func same[T any](t *testing.T, inputs ...string) {
	t.Helper()
	for _, in := range inputs {
		if msg := compare([]byte(in), func() *T { return new(T) }); msg != "" {
			t.Errorf("%T %s\n%s", *new(T), in, msg)
		}
	}
}

// sameFrom runs compare on each input with values made by fresh, to check
// how decoding treats values that are not zero.
func sameFrom[T any](t *testing.T, fresh func() *T, inputs ...string) {
	t.Helper()
	for _, in := range inputs {
		if msg := compare([]byte(in), fresh); msg != "" {
			t.Errorf("%T %s\n%s", *new(T), in, msg)
		}
	}
}
