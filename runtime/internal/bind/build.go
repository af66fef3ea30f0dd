package bind

import "reflect"

// A builder constructs the codecs for one type graph. Codecs are recorded
// in pending before their children are built, so recursive types terminate;
// codecFor publishes them once the whole graph is complete.
type builder struct {
	pending map[codecKey]*codec
}

func (b *builder) build(t reflect.Type, m mode, errType reflect.Type) *codec {
	key := keyOf(t, m, errType)
	if c, ok := codecs.Load(key); ok {
		return c.(*codec)
	}
	if c, ok := b.pending[key]; ok {
		return c
	}
	c := &codec{typ: t, size: t.Size(), errType: key.errType, pure: pureMethods[t]}
	b.pending[key] = c
	switch key.methods {
	case jsonMethod:
		c.kind = kindJSONMethod
		if t == rawMessageType {
			c.kind = kindRaw
		}
	case textMethod:
		c.kind = kindTextMethod
		c.null = nullActionOf(t)
	default:
		b.fill(c, t)
	}
	return c
}

// fill sets up a codec for a type decoded by its kind.
func (b *builder) fill(c *codec, t reflect.Type) {
	c.null = nullActionOf(t)
	switch t.Kind() {
	case reflect.String:
		c.kind = kindString
		if t == numberType {
			c.kind = kindNumber
		}
	case reflect.Bool:
		c.kind = kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.kind, c.bits = kindInt, uint8(t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.kind, c.bits = kindUint, uint8(t.Bits())
	case reflect.Float32, reflect.Float64:
		c.kind, c.bits = kindFloat, uint8(t.Bits())
	case reflect.Struct:
		c.kind, c.fields = kindStruct, b.fieldTable(t)
	case reflect.Pointer:
		b.fillPointer(c, t)
	case reflect.Slice:
		c.kind, c.elem = kindSlice, b.build(t.Elem(), atPosition, nil)
		if t.Elem().Kind() == reflect.Uint8 {
			c.kind = kindBytes
		}
	case reflect.Array:
		c.kind, c.length = kindArray, t.Len()
		c.elem = b.build(t.Elem(), atPosition, nil)
	case reflect.Map:
		c.kind, c.keys = kindMap, keysOf(t)
		c.elem = b.build(t.Elem(), atPosition, nil)
	case reflect.Interface:
		c.kind = kindIface
		if t.NumMethod() == 0 {
			c.kind = kindAny
		}
	default:
		c.kind = kindInvalid
	}
}

// fillPointer sets up a pointer codec. The target's methods count when the
// pointer type is unnamed (its method set is the target's pointer methods);
// a named pointer type has no methods, so neither does its target.
func (b *builder) fillPointer(c *codec, t reflect.Type) {
	if pointsToItself(t) {
		c.kind = kindPointerLoop
		return
	}
	c.kind = kindPointer
	m := atTop
	if t.Name() != "" {
		m = behindNamedPointer
	}
	c.elem = b.build(t.Elem(), m, c.errType)
}

// pointsToItself reports whether dereferencing t only ever yields pointers,
// as for type P *P, which no JSON value but null can fill.
func pointsToItself(t reflect.Type) bool {
	seen := map[reflect.Type]bool{}
	for t.Kind() == reflect.Pointer {
		if seen[t] {
			return true
		}
		seen[t] = true
		t = t.Elem()
	}
	return false
}

// nullActionOf says what JSON null does to a non-pointer value of type t.
func nullActionOf(t reflect.Type) nullAction {
	switch t.Kind() {
	case reflect.Slice:
		return nullClearsSlice
	case reflect.Map, reflect.Pointer:
		return nullClearsWord
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return nullClearsAny
		}
		return nullClearsIface
	}
	return nullKeeps
}
