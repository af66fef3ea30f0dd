package bind

import (
	"encoding"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonlex"
)

// Fields with the ",string" option hold their value inside a JSON string.
// They are rare, so this path follows encoding/json step by step through
// reflect: the value inside the string is not JSON-validated and its odd
// cases (quoted quotes, "null", numbers strconv accepts) are many.

// quoted decodes the value of field f, at p, which has the ",string" option.
func (d *decoder) quoted(f *field, p unsafe.Pointer) error {
	v := reflect.NewAt(f.typ, p).Elem()
	switch b := d.peek(); b {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		return d.store([]byte("null"), v, false)
	case '"':
		s, err := d.view()
		if err != nil {
			return err
		}
		return d.store(append([]byte(nil), s...), v, true)
	case '{', '[', 't', 'f':
		if err := d.skip(); err != nil {
			return err
		}
	default:
		n, err := d.anyNumber()
		if err != nil {
			return err
		}
		if n == nil {
			// Out of float64 range: encoding/json reads the number as an
			// interface value, gets nil and proceeds as for null.
			return d.store([]byte("null"), v, false)
		}
	}
	d.save(fmt.Errorf("json: invalid use of ,string struct tag, trying to unmarshal unquoted value into %v", v.Type()))
	return nil
}

func quotedError(item []byte, t reflect.Type) error {
	return fmt.Errorf("json: invalid use of ,string struct tag, trying to unmarshal %q into %v", item, t)
}

// store decodes the literal item (the content of a ",string" value when
// fromQuoted) into v. Type errors are reported at the end of the literal
// just read, as encoding/json does.
func (d *decoder) store(item []byte, v reflect.Value, fromQuoted bool) error {
	if len(item) == 0 {
		d.save(quotedError(item, v.Type()))
		return nil
	}
	isNull := item[0] == 'n'
	u, ut, pv := indirect(v, isNull)
	if u != nil || ut != nil {
		if err := d.ensureValid(); err != nil {
			return err
		}
	}
	if u != nil {
		return u.UnmarshalJSON(item)
	}
	if ut != nil {
		return d.storeText(item, v, ut, fromQuoted)
	}
	v = pv
	switch c := item[0]; c {
	case 'n':
		d.storeNull(item, v, fromQuoted)
	case 't', 'f':
		d.storeBool(item, v, fromQuoted)
	case '"':
		return d.storeString(item, v)
	default:
		if c != '-' && !isDigit(c) {
			return quotedError(item, v.Type())
		}
		return d.storeNumber(item, v, fromQuoted)
	}
	return nil
}

func (d *decoder) storeText(item []byte, v reflect.Value, ut encoding.TextUnmarshaler, fromQuoted bool) error {
	if item[0] != '"' {
		if fromQuoted {
			d.save(quotedError(item, v.Type()))
			return nil
		}
		what := "number"
		switch item[0] {
		case 'n':
			what = "null"
		case 't', 'f':
			what = "bool"
		}
		d.typeError(what, v.Type(), d.pos)
		return nil
	}
	s, ok := jsonlex.UnquoteLenient(item)
	if !ok {
		return quotedError(item, v.Type())
	}
	return ut.UnmarshalText(s)
}

func (d *decoder) storeNull(item []byte, v reflect.Value, fromQuoted bool) {
	if fromQuoted && string(item) != "null" {
		d.save(quotedError(item, v.Type()))
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
		v.SetZero()
	}
}

func (d *decoder) storeBool(item []byte, v reflect.Value, fromQuoted bool) {
	value := item[0] == 't'
	if fromQuoted && string(item) != "true" && string(item) != "false" {
		d.save(quotedError(item, v.Type()))
		return
	}
	switch {
	case v.Kind() == reflect.Bool:
		v.SetBool(value)
	case v.Kind() == reflect.Interface && v.NumMethod() == 0:
		v.Set(reflect.ValueOf(value))
	case fromQuoted && v.Kind() != reflect.Interface:
		d.save(quotedError(item, v.Type()))
	default:
		d.typeError("bool", v.Type(), d.pos)
	}
}
