package bind

import (
	"encoding/json"
	"reflect"
	"sync"
	"unsafe"
)

// A Plan decodes JSON into values of type T. Plans are safe for concurrent use.
type Plan[T any] struct {
	root *codec
}

var plans sync.Map // reflect.Type → *Plan[T]

// For builds the plan for T (reflection happens here, once). Types or fields
// it does not support natively are delegated to encoding/json, so every T
// works. Plans are cached: For returns the same plan for the same T.
func For[T any]() *Plan[T] {
	t := reflect.TypeFor[T]()
	if p, ok := plans.Load(t); ok {
		return p.(*Plan[T])
	}
	p := &Plan[T]{root: codecFor(t, atTop, reflect.PointerTo(t))}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*Plan[T])
}

// Decode decodes data into *v with encoding/json semantics. It never
// modifies data. Decoded strings may alias data (zero-copy) when they have
// no escapes; callers that reuse data must copy first. Errors are the ones
// encoding/json returns (*json.SyntaxError, *json.UnmarshalTypeError with
// Field set as encoding/json sets it), so callers can treat them alike.
func (p *Plan[T]) Decode(data []byte, v *T) error {
	if v == nil {
		if !valid(data) {
			return syntaxError(data, 0)
		}
		return &json.InvalidUnmarshalError{Type: reflect.TypeFor[*T]()}
	}
	d := decoder{data: data}
	d.skipSpace()
	err := d.value(p.root, unsafe.Pointer(v))
	if err == nil {
		d.skipSpace()
	}
	return d.finish(err)
}
