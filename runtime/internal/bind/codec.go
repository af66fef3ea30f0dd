package bind

import (
	"encoding"
	"encoding/json"
	"net/netip"
	"reflect"
	"sync"
	"time"
)

// kind selects how a codec decodes a JSON value.
type kind uint8

const (
	kindInvalid     kind = iota // no JSON value but null fits (chan, func, complex, unsafe.Pointer)
	kindString                  // string kinds
	kindNumber                  // json.Number
	kindBool                    // bool kinds
	kindInt                     // signed integer kinds
	kindUint                    // unsigned integer kinds
	kindFloat                   // float32 and float64 kinds
	kindStruct                  // structs, through a field table
	kindPointer                 // pointers: null sets nil, anything else decodes into the target
	kindPointerLoop             // pointer types that point to themselves (type P *P)
	kindSlice                   // slices
	kindBytes                   // slices of uint8 kinds: JSON strings are base64
	kindArray                   // arrays
	kindMap                     // maps
	kindAny                     // empty interfaces
	kindIface                   // non-empty interfaces
	kindRaw                     // json.RawMessage
	kindJSONMethod              // types whose pointer implements json.Unmarshaler
	kindTextMethod              // types whose pointer implements encoding.TextUnmarshaler
)

// nullAction says what JSON null does to a value whose codec is not a pointer.
type nullAction uint8

const (
	nullKeeps       nullAction = iota // null leaves the value unchanged
	nullClearsSlice                   // null stores a nil slice
	nullClearsWord                    // null stores a nil map or pointer
	nullClearsAny                     // null stores nil in an empty interface
	nullClearsIface                   // null stores nil in a non-empty interface
)

// A codec is the decoding plan for one Go type at one kind of position.
// Codecs are immutable once published and shared by all plans.
type codec struct {
	kind    kind
	null    nullAction
	bits    uint8        // size in bits of int, uint and float kinds
	typ     reflect.Type // the Go type decoded into
	errType reflect.Type // text-method, pointer, interface: type errors name (see keyOf)
	size    uintptr      // typ.Size()
	elem    *codec       // pointer target, slice, array or map element
	length  int          // array length
	fields  *fieldTable  // kindStruct
	keys    *mapKeys     // kindMap
	pure    bool         // method kinds: the methods only write their receiver
}

// methods records which decoding interface a type's pointer implements.
type methods uint8

const (
	noMethods methods = iota
	jsonMethod
	textMethod
)

// mode says where a value sits, which decides whether its methods count,
// following encoding/json's indirect: the top-level value always uses the
// methods of its pointer; fields and elements only when their type is named;
// values behind a named pointer type never.
type mode uint8

const (
	atTop mode = iota
	atPosition
	behindNamedPointer
)

// pureMethods lists standard library types whose decoding methods only
// write their receiver, so they may run before the whole input is known to
// be valid: nothing outside the decoded value can observe the call.
var pureMethods = map[reflect.Type]bool{
	reflect.TypeFor[time.Time]():      true,
	reflect.TypeFor[netip.Addr]():     true,
	reflect.TypeFor[netip.AddrPort](): true,
	reflect.TypeFor[netip.Prefix]():   true,
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// methodsOf reports the decoding methods encoding/json would use for a
// value of type t at a position of mode m.
func methodsOf(t reflect.Type, m mode) methods {
	if t.Kind() == reflect.Pointer || m == behindNamedPointer {
		return noMethods
	}
	if m == atPosition && t.Name() == "" {
		return noMethods
	}
	pt := reflect.PointerTo(t)
	switch {
	case pt.Implements(jsonUnmarshalerType):
		return jsonMethod
	case pt.Implements(textUnmarshalerType):
		return textMethod
	}
	return noMethods
}

// codecKey identifies a published codec.
type codecKey struct {
	typ     reflect.Type
	methods methods
	errType reflect.Type // only for text-method, pointer and interface codecs
}

var (
	buildMu sync.Mutex // serializes builds so recursive types publish whole
	codecs  sync.Map   // codecKey → *codec
)

// codecFor returns the codec for type t at a position of mode m. errType is
// the type named by type errors for text-method values (nil: t itself).
func codecFor(t reflect.Type, m mode, errType reflect.Type) *codec {
	key := keyOf(t, m, errType)
	if c, ok := codecs.Load(key); ok {
		return c.(*codec)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	b := builder{pending: map[codecKey]*codec{}}
	c := b.build(t, m, errType)
	for k, pc := range b.pending {
		codecs.Store(k, pc)
	}
	return c
}

// keyOf returns the key of the codec for t at mode m. encoding/json's type
// errors for text-method values name the type at which decoding of the
// value began (a field's declared pointer type, *T for the top-level T, an
// interface holding a pointer), so text-method codecs, and the pointer and
// interface codecs that lead to them, are keyed by that type too.
func keyOf(t reflect.Type, m mode, errType reflect.Type) codecKey {
	key := codecKey{typ: t, methods: methodsOf(t, m)}
	if k := t.Kind(); key.methods == textMethod || k == reflect.Pointer || k == reflect.Interface {
		key.errType = t
		if errType != nil {
			key.errType = errType
		}
	}
	return key
}
