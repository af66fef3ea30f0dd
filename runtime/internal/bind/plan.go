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
	p := &Plan[T]{root: rootFor(reflect.PointerTo(t))}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*Plan[T])
}

// Decode decodes data into *v with encoding/json semantics. It never
// modifies data, and the decoded value never points into it (see the
// package documentation). Errors are the ones encoding/json returns
// (*json.SyntaxError, *json.UnmarshalTypeError with Field set as
// encoding/json sets it), so callers can treat them alike.
func (p *Plan[T]) Decode(data []byte, v *T) error {
	if v == nil {
		return invalidTarget(data, reflect.TypeFor[*T]())
	}
	return decode(p.root, data, unsafe.Pointer(v))
}

// Decode decodes data into the value v points to, as json.Unmarshal(data,
// v) does: it is Plan.Decode for a type known only at run time. The plan
// for v's type is built on first use and cached, and is the one For
// builds, so Decode(data, &x) and For[X]().Decode(data, &x) agree in
// everything. A v that is not a non-nil pointer gets the
// *json.InvalidUnmarshalError json.Unmarshal returns.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return invalidTarget(data, reflect.TypeOf(v))
	}
	return decode(rootFor(rv.Type()), data, rv.UnsafePointer())
}

// invalidTarget is the error for decoding into t, which is not a non-nil
// pointer: like json.Unmarshal, it reports malformed data first.
func invalidTarget(data []byte, t reflect.Type) error {
	if !valid(data) {
		return syntaxError(data, 0)
	}
	return &json.InvalidUnmarshalError{Type: t}
}

var roots sync.Map // pointer type → *codec of the value it points to

// rootFor returns the codec for the value a pointer of type pt points to.
// As in encoding/json, the methods of that value count unless pt is a
// named pointer type (type P *X), which has none.
func rootFor(pt reflect.Type) *codec {
	if c, ok := roots.Load(pt); ok {
		return c.(*codec)
	}
	m := atTop
	if pt.Name() != "" {
		m = behindNamedPointer
	}
	c, _ := roots.LoadOrStore(pt, codecFor(pt.Elem(), m, pt))
	return c.(*codec)
}

// decode decodes data into the value at p, of c's type.
func decode(c *codec, data []byte, p unsafe.Pointer) error {
	d := decoder{data: data}
	d.skipSpace()
	err := d.value(c, p)
	if err == nil {
		d.skipSpace()
	}
	return d.finish(err)
}
