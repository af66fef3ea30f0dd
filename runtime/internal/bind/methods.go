package bind

import (
	"encoding"
	"encoding/json"
	"reflect"
	"unsafe"
)

// decodeRaw stores a copy of the raw JSON value in the json.RawMessage at
// p, reusing its capacity, as (*json.RawMessage).UnmarshalJSON does.
func (d *decoder) decodeRaw(p unsafe.Pointer) error {
	start := d.pos
	if err := d.skip(); err != nil {
		return err
	}
	m := (*json.RawMessage)(p)
	*m = append((*m)[0:0], d.data[start:d.pos]...)
	return nil
}

// decodeJSONMethod hands the raw JSON value (null included) to the value's
// UnmarshalJSON method. Its error ends decoding, as in encoding/json.
func (d *decoder) decodeJSONMethod(c *codec, p unsafe.Pointer) error {
	start := d.pos
	if err := d.skip(); err != nil {
		return err
	}
	if err := d.ensureValidFor(c); err != nil {
		return err
	}
	u := reflect.NewAt(c.typ, p).Interface().(json.Unmarshaler)
	return u.UnmarshalJSON(d.data[start:d.pos])
}

// decodeText hands a JSON string, unquoted, to the value's UnmarshalText
// method. null applies the kind's null action; other values are type
// errors naming c.errType, as encoding/json reports them.
func (d *decoder) decodeText(c *codec, p unsafe.Pointer) error {
	if d.peek() != '"' {
		return d.mismatch(c, p, c.errType)
	}
	s, err := d.view()
	if err != nil {
		return err
	}
	if err := d.ensureValidFor(c); err != nil {
		return err
	}
	u := reflect.NewAt(c.typ, p).Interface().(encoding.TextUnmarshaler)
	return u.UnmarshalText(s)
}

// ensureValidFor validates the whole input before c's methods run, unless
// they are known to have no effect beyond the value being decoded.
func (d *decoder) ensureValidFor(c *codec) error {
	if c.pure {
		return nil
	}
	return d.ensureValid()
}
