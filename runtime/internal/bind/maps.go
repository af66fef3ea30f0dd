package bind

import (
	"encoding/json"
	"reflect"
	"strconv"
	"unsafe"
)

// keyKind says how an object key becomes a map key.
type keyKind uint8

const (
	keyBad    keyKind = iota // encoding/json cannot decode objects into the map
	keyString                // string kinds
	keyInt                   // signed integer kinds, parsed from the key
	keyUint                  // unsigned integer kinds, parsed from the key
	keyText                  // the key type's pointer is an encoding.TextUnmarshaler
)

// fastMap names map types decoded without reflection.
type fastMap uint8

const (
	fastNone         fastMap = iota
	fastStringString         // map[string]string
	fastStringAny            // map[string]any
)

type mapKeys struct {
	kind keyKind
	typ  reflect.Type
	fast fastMap
}

var (
	stringType = reflect.TypeFor[string]()
	anyType    = reflect.TypeFor[any]()
)

func keysOf(t reflect.Type) *mapKeys {
	kt := t.Key()
	k := &mapKeys{typ: kt}
	switch kt.Kind() {
	case reflect.String:
		k.kind = keyString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		k.kind = keyInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		k.kind = keyUint
	}
	if reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		k.kind = keyText
	}
	if kt == stringType && t.Elem() == stringType {
		k.fast = fastStringString
	}
	if kt == stringType && t.Elem() == anyType {
		k.fast = fastStringAny
	}
	return k
}

// decodeMap decodes a JSON object into the map at p, allocating the map if
// it is nil and keeping existing entries. Each value is decoded into a
// fresh zero element and stored even if it did not fit.
func (d *decoder) decodeMap(c *codec, p unsafe.Pointer) error {
	if d.peek() != '{' || c.keys.kind == keyBad {
		return d.mismatch(c, p, c.typ)
	}
	switch c.keys.fast {
	case fastStringString:
		return d.mapStringString(c, p)
	case fastStringAny:
		return d.mapStringAny(p)
	}
	return d.mapReflect(c, p)
}

// mapStringString decodes into a map[string]string without reflection.
func (d *decoder) mapStringString(c *codec, p unsafe.Pointer) error {
	m := *(*map[string]string)(p)
	if m == nil {
		m = make(map[string]string)
		*(*map[string]string)(p) = m
	}
	if empty, err := d.openObject(); empty || err != nil {
		return err
	}
	for {
		k, err := d.mapKey()
		if err != nil {
			return err
		}
		v := ""
		if d.peek() == '"' {
			if v, err = d.str(); err != nil {
				return err
			}
		} else if err := d.mismatch(c.elem, nil, stringType); err != nil {
			return err
		}
		m[k.name] = v
		if done, err := d.endMember('}'); err != nil || done {
			return err
		}
	}
}

// mapStringAny decodes into a map[string]any without reflection.
func (d *decoder) mapStringAny(p unsafe.Pointer) error {
	m := *(*map[string]any)(p)
	if m == nil {
		m = make(map[string]any)
		*(*map[string]any)(p) = m
	}
	return d.anyMembers(m)
}

// openObject consumes '{' and, if the object is empty, its '}'.
func (d *decoder) openObject() (empty bool, err error) {
	if err := d.enter(); err != nil {
		return false, err
	}
	if d.next() == '}' {
		d.pos++
		d.depth--
		return true, nil
	}
	return false, nil
}

// An objectKey is a decoded object key and where its literal starts.
type objectKey struct {
	name  string
	start int
	end   int
}

// mapKey reads an object key and the colon after it. The name is a string
// of the decoder's own, as map keys must not change.
func (d *decoder) mapKey() (objectKey, error) {
	if d.next() != '"' {
		return objectKey{}, errSyntax
	}
	k := objectKey{start: d.pos}
	name, err := d.view()
	if err != nil {
		return k, err
	}
	k.name, k.end = d.copyString(name), d.pos
	return k, d.colon()
}

// mapReflect decodes into any other map type through reflect.
func (d *decoder) mapReflect(c *codec, p unsafe.Pointer) error {
	m := reflect.NewAt(c.typ, p).Elem()
	if m.IsNil() {
		m.Set(reflect.MakeMap(c.typ))
	}
	elem := reflect.New(c.elem.typ).Elem()
	if empty, err := d.openObject(); empty || err != nil {
		return err
	}
	for {
		k, err := d.mapKey()
		if err != nil {
			return err
		}
		elem.SetZero()
		if err := d.value(c.elem, elem.Addr().UnsafePointer()); err != nil {
			return err
		}
		kv, err := d.keyValue(c.keys, k)
		if err != nil {
			return err
		}
		if kv.IsValid() {
			m.SetMapIndex(kv, elem)
		}
		if done, err := d.endMember('}'); err != nil || done {
			return err
		}
	}
}

// keyValue converts an object key to the map's key type. Keys that do not
// parse are type errors and return an invalid Value.
func (d *decoder) keyValue(keys *mapKeys, k objectKey) (reflect.Value, error) {
	kv := reflect.New(keys.typ)
	switch keys.kind {
	case keyText:
		return kv.Elem(), d.keyMethod(kv, k.name, d.data[k.start:k.end])
	case keyString:
		kv.Elem().SetString(k.name)
	case keyInt:
		n, err := strconv.ParseInt(k.name, 10, 64)
		if err != nil || kv.Elem().OverflowInt(n) {
			d.typeError("number "+k.name, keys.typ, k.start+1)
			return reflect.Value{}, nil
		}
		kv.Elem().SetInt(n)
	case keyUint:
		n, err := strconv.ParseUint(k.name, 10, 64)
		if err != nil || kv.Elem().OverflowUint(n) {
			d.typeError("number "+k.name, keys.typ, k.start+1)
			return reflect.Value{}, nil
		}
		kv.Elem().SetUint(n)
	}
	return kv.Elem(), nil
}

// keyMethod fills a key through its methods, preferring UnmarshalJSON
// (with the quoted key) to UnmarshalText, as encoding/json does.
func (d *decoder) keyMethod(kv reflect.Value, k string, raw []byte) error {
	if err := d.ensureValid(); err != nil {
		return err
	}
	i := kv.Interface()
	if u, ok := i.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(raw)
	}
	return i.(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(k))
}
