package bind

import (
	"encoding/json"
	"fmt"
	"reflect"
	"unsafe"
)

// value decodes the JSON value at pos into the value of c's type at p and
// moves past it. Type mismatches are saved and decoding goes on; the error
// returned is fatal (errSyntax or an error from a user method).
func (d *decoder) value(c *codec, p unsafe.Pointer) error {
	switch c.kind {
	case kindString:
		return d.decodeString(c, p)
	case kindStruct:
		return d.decodeStruct(c, p)
	case kindInt, kindUint, kindFloat:
		return d.decodeNumber(c, p)
	case kindBool:
		return d.decodeBool(c, p)
	case kindPointer:
		return d.decodePointer(c, p)
	case kindSlice:
		return d.decodeSlice(c, p)
	case kindBytes:
		return d.decodeBytes(c, p)
	case kindArray:
		return d.decodeArray(c, p)
	case kindMap:
		return d.decodeMap(c, p)
	case kindAny:
		return d.decodeAny(c, p)
	case kindIface:
		return d.decodeIface(c, p)
	case kindNumber:
		return d.decodeJSONNumber(c, p)
	case kindRaw:
		return d.decodeRaw(p)
	case kindJSONMethod:
		return d.decodeJSONMethod(c, p)
	case kindTextMethod:
		return d.decodeText(c, p)
	case kindPointerLoop:
		return d.decodePointerLoop(c, p)
	}
	return d.mismatch(c, p, c.typ)
}

// mismatch handles a JSON value that does not fit the value at p: null
// applies c's null action, anything else is skipped and reported as a type
// error naming t, at the offsets encoding/json uses.
func (d *decoder) mismatch(c *codec, p unsafe.Pointer, t reflect.Type) error {
	start := d.pos
	var what string
	switch b := d.peek(); b {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		clearValue(c, p)
		return nil
	case '{', '[':
		if err := d.skip(); err != nil {
			return err
		}
		d.typeError(containerName(b), t, start+1)
		return nil
	case '"':
		what = "string"
	case 't', 'f':
		what = "bool"
	default:
		what = "number"
	}
	if err := d.skip(); err != nil {
		return err
	}
	d.typeError(what, t, d.pos)
	return nil
}

func containerName(b byte) string {
	if b == '{' {
		return "object"
	}
	return "array"
}

func (d *decoder) decodeString(c *codec, p unsafe.Pointer) error {
	if d.peek() != '"' {
		return d.mismatch(c, p, c.typ)
	}
	s, err := d.str()
	if err != nil {
		return err
	}
	*(*string)(p) = s
	return nil
}

func (d *decoder) decodeBool(c *codec, p unsafe.Pointer) error {
	switch d.peek() {
	case 't':
		*(*bool)(p) = true
		return d.literal("true")
	case 'f':
		*(*bool)(p) = false
		return d.literal("false")
	}
	return d.mismatch(c, p, c.typ)
}

// decodeNumber decodes into integer and float kinds. Numbers that do not
// fit (fractions into integers, overflow) are type errors quoting the number.
func (d *decoder) decodeNumber(c *codec, p unsafe.Pointer) error {
	if b := d.peek(); b != '-' && !isDigit(b) {
		return d.mismatch(c, p, c.typ)
	}
	lit, integer, err := d.number()
	if err != nil {
		return err
	}
	ok := false
	switch c.kind {
	case kindInt:
		var n int64
		if n, ok = parseInt(lit, integer, c.bits); ok {
			storeInt(p, c.size, n)
		}
	case kindUint:
		var n uint64
		if n, ok = parseUint(lit, integer, c.bits); ok {
			storeUint(p, c.size, n)
		}
	default:
		var f float64
		if f, ok = parseFloat(lit, integer, c.bits); ok {
			storeFloat(p, c.size, f)
		}
	}
	if !ok {
		d.typeError("number "+string(lit), c.typ, d.pos)
	}
	return nil
}

// decodeJSONNumber decodes into json.Number: a number's text, or a string
// holding a valid number.
func (d *decoder) decodeJSONNumber(c *codec, p unsafe.Pointer) error {
	switch b := d.peek(); {
	case b == '"':
		start := d.pos
		s, err := d.view()
		if err != nil {
			return err
		}
		if !isValidNumber(s) {
			return fmt.Errorf("json: invalid number literal, trying to unmarshal %q into Number", d.data[start:d.pos])
		}
		*(*json.Number)(p) = json.Number(d.copyString(s))
		return nil
	case b == '-' || isDigit(b):
		lit, _, err := d.number()
		if err != nil {
			return err
		}
		*(*json.Number)(p) = json.Number(d.copyString(lit))
		return nil
	}
	return d.mismatch(c, p, c.typ)
}

// isValidNumber reports whether s is exactly one JSON number.
func isValidNumber(s []byte) bool {
	nd := decoder{data: s}
	_, _, err := nd.number()
	return err == nil && nd.pos == len(s)
}

func (d *decoder) decodePointer(c *codec, p unsafe.Pointer) error {
	if d.peek() == 'n' {
		*(*unsafe.Pointer)(p) = nil
		return d.literal("null")
	}
	target := *(*unsafe.Pointer)(p)
	if target == nil {
		target = newValue(c.elem.typ)
		*(*unsafe.Pointer)(p) = target
	}
	return d.value(c.elem, target)
}

// decodePointerLoop handles pointer types that point to themselves, which
// no JSON value but null fits (encoding/json never returns for them).
func (d *decoder) decodePointerLoop(c *codec, p unsafe.Pointer) error {
	if d.peek() == 'n' {
		*(*unsafe.Pointer)(p) = nil
		return d.literal("null")
	}
	if err := d.skip(); err != nil {
		return err
	}
	return &json.UnsupportedTypeError{Type: c.typ}
}
