package bind

import (
	"errors"
	"reflect"
	"unsafe"
)

var float64Type = reflect.TypeFor[float64]()

// anyValue decodes the JSON value at pos as encoding/json does into an
// empty interface: map[string]any, []any, string, float64, bool or nil.
// A number out of float64 range is a type error and yields nil.
func (d *decoder) anyValue() (any, error) {
	switch b := d.peek(); b {
	case '{':
		m := make(map[string]any)
		return m, d.anyMembers(m)
	case '[':
		return d.anyArray()
	case '"':
		return d.str()
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	return d.anyNumber()
}

// anyNumber decodes a number into an interface as a float64. Out of range,
// it saves the type error encoding/json reports (at the offset it uses)
// and yields nil.
func (d *decoder) anyNumber() (any, error) {
	lit, integer, err := d.number()
	if err != nil {
		return nil, err
	}
	f, ok := parseFloat(lit, integer, 64)
	if !ok {
		d.typeError("number "+string(lit), float64Type, d.pos+1)
		return nil, nil
	}
	return f, nil
}

// anyMembers decodes the JSON object at pos into m.
func (d *decoder) anyMembers(m map[string]any) error {
	if empty, err := d.openObject(); empty || err != nil {
		return err
	}
	for {
		k, err := d.mapKey()
		if err != nil {
			return err
		}
		v, err := d.anyValue()
		if err != nil {
			return err
		}
		m[k.name] = v
		if done, err := d.endMember('}'); err != nil || done {
			return err
		}
	}
}

func (d *decoder) anyArray() ([]any, error) {
	a := make([]any, 0)
	if err := d.enter(); err != nil {
		return nil, err
	}
	if d.next() == ']' {
		d.pos++
		d.depth--
		return a, nil
	}
	for {
		v, err := d.anyValue()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		done, err := d.endMember(']')
		if err != nil || done {
			return a, err
		}
		d.skipSpace()
	}
}

// decodeAny decodes into an empty interface. If it holds a non-nil
// pointer, encoding/json decodes into what the pointer points to;
// otherwise the interface is replaced by the decoded value.
func (d *decoder) decodeAny(c *codec, p unsafe.Pointer) error {
	if held := *(*any)(p); held != nil {
		if done, err := d.intoHeld(reflect.ValueOf(held), c.errType); done {
			return err
		}
	}
	return d.replaceAny(p)
}

// replaceAny stores the decoded value in the empty interface at p. A
// number that does not fit a float64 leaves it unchanged.
func (d *decoder) replaceAny(p unsafe.Pointer) error {
	isNull := d.peek() == 'n'
	v, err := d.anyValue()
	if err != nil || (v == nil && !isNull) {
		return err
	}
	*(*any)(p) = v
	return nil
}

// decodeIface decodes into a non-empty interface: only null (which clears
// it) fits, unless it holds a non-nil pointer to decode into.
func (d *decoder) decodeIface(c *codec, p unsafe.Pointer) error {
	if v := reflect.NewAt(c.typ, p).Elem(); !v.IsNil() {
		if done, err := d.intoHeld(v.Elem(), c.errType); done {
			return err
		}
	}
	return d.ifaceMismatch(c, p)
}

func (d *decoder) ifaceMismatch(c *codec, p unsafe.Pointer) error {
	if b := d.peek(); b == '-' || isDigit(b) {
		if _, err := d.anyNumber(); err != nil {
			return err
		}
		d.typeError("number", c.typ, d.pos)
		return nil
	}
	return d.mismatch(c, p, c.typ)
}

var errPointerCycle = errors.New("bind: interface values point to each other in a cycle")

// intoHeld decodes into the target of held, the non-nil pointer an
// interface holds (posType: the interface's position type), following
// encoding/json's indirect. It reports false when the interface is to be
// replaced instead: it holds no non-nil pointer, or the value is null and
// the pointer's target is not itself a pointer.
func (d *decoder) intoHeld(held reflect.Value, posType reflect.Type) (bool, error) {
	if held.Kind() != reflect.Pointer || held.IsNil() {
		return false, nil
	}
	target := held.Elem()
	isNull := d.peek() == 'n'
	if isNull && target.Kind() != reflect.Pointer {
		return false, nil
	}
	if d.hops >= maxDepth {
		return true, errPointerCycle
	}
	d.hops++
	err := d.intoTarget(held, target, isNull, posType)
	d.hops--
	return true, err
}

func (d *decoder) intoTarget(held, target reflect.Value, isNull bool, posType reflect.Type) error {
	if target.Kind() == reflect.Interface && target.Elem().Equal(held) {
		// The pointer points to an interface holding that same pointer.
		c := codecFor(target.Type(), atPosition, nil)
		if c.kind == kindAny {
			return d.replaceAny(held.UnsafePointer())
		}
		return d.ifaceMismatch(c, held.UnsafePointer())
	}
	if isNull {
		target.SetZero()
		return d.literal("null")
	}
	m := atTop
	if held.Type().Name() != "" {
		m = behindNamedPointer
	}
	return d.value(codecFor(target.Type(), m, posType), held.UnsafePointer())
}
