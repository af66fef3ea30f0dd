package bind

import (
	"encoding/json"
	"errors"
	"reflect"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonlex"
)

// maxDepth is encoding/json's nesting limit for arrays and objects.
const maxDepth = 10000

// errSyntax unwinds a decode that met malformed JSON. Decode replaces it
// with the *json.SyntaxError encoding/json reports for the same input.
var errSyntax = errors.New("bind: syntax error")

// A decoder holds the state of one Decode call. It lives on the caller's
// stack; only direct calls receive it, so it does not escape.
type decoder struct {
	data    []byte
	pos     int // next byte to read
	depth   int // open arrays and objects
	hops    int // interface-held pointers being followed
	saved   error
	ctxErr  *json.UnmarshalTypeError // the error whose field path is being built
	checked bool                     // data is known to be valid JSON
	scratch []byte                   // unescaped string literals (see view)
	arena   arena                    // decoded strings
}

// skipSpace advances past JSON whitespace.
func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next skips whitespace and returns the byte at pos, or 0 at the end.
func (d *decoder) next() byte {
	if d.pos < len(d.data) {
		if c := d.data[d.pos]; c > ' ' {
			return c
		}
		d.skipSpace()
		if d.pos < len(d.data) {
			return d.data[d.pos]
		}
	}
	return 0
}

// peek returns the byte at pos, or 0 at the end.
func (d *decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// literal consumes the keyword word (true, false or null) at pos.
func (d *decoder) literal(word string) error {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return errSyntax
	}
	d.pos = end
	return nil
}

// enter opens an array or object at pos.
func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return errSyntax
	}
	d.pos++
	return nil
}

// save records err if it is the first non-fatal error, as encoding/json
// reports the earliest type error once decoding completes.
func (d *decoder) save(err error) {
	if d.saved == nil {
		d.saved = err
	}
}

// typeError saves an *json.UnmarshalTypeError.
func (d *decoder) typeError(value string, t reflect.Type, offset int) {
	if d.saved == nil {
		d.saved = &json.UnmarshalTypeError{Value: value, Type: t, Offset: int64(offset)}
	}
}

// ensureValid checks the whole input before user methods run, so that, as
// with encoding/json, they are never called for malformed documents.
func (d *decoder) ensureValid() error {
	if d.checked {
		return nil
	}
	d.checked = true
	if !valid(d.data) {
		return errSyntax
	}
	return nil
}

// addContext extends a type error raised while decoding field f of the
// struct type st with the field's path, the way encoding/json records the
// innermost struct and the path of field names from the root.
func (d *decoder) addContext(err error, f *field, st reflect.Type) {
	te, ok := err.(*json.UnmarshalTypeError)
	if !ok {
		return
	}
	if d.ctxErr != te {
		d.ctxErr = te
		te.Struct = st.Name()
		if te.Field == "" {
			te.Field = f.path
			return
		}
	}
	te.Field = f.path + "." + te.Field
}

// finish turns the outcome of a decode into the error Decode returns.
func (d *decoder) finish(err error) error {
	if err == nil && d.pos != len(d.data) {
		err = errSyntax
	}
	switch {
	case err == errSyntax:
		return syntaxError(d.data, d.pos)
	case err != nil:
		if !d.checked && !valid(d.data) {
			return syntaxError(d.data, d.pos)
		}
		return err
	}
	return d.saved
}

// syntaxError returns the error encoding/json reports for malformed data.
// Both validate the same grammar, so the fallback (an error without a
// message, at pos) is not expected to be used.
func syntaxError(data []byte, pos int) error {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	return &json.SyntaxError{Offset: int64(pos)}
}

// valid reports whether data is one JSON value with optional whitespace.
func valid(data []byte) bool { return jsonlex.Valid(data, maxDepth) }
