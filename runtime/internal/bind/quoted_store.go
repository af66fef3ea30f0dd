package bind

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonlex"
)

func (d *decoder) storeString(item []byte, v reflect.Value) error {
	s, ok := jsonlex.UnquoteLenient(item)
	if !ok {
		return quotedError(item, v.Type())
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			d.typeError("string", v.Type(), d.pos)
			return nil
		}
		b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, err := base64.StdEncoding.Decode(b, s)
		if err != nil {
			d.save(err)
			return nil
		}
		v.SetBytes(b[:n])
	case reflect.String:
		if v.Type() == numberType && !isValidNumber(s) {
			return fmt.Errorf("json: invalid number literal, trying to unmarshal %q into Number", item)
		}
		v.SetString(string(s))
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.typeError("string", v.Type(), d.pos)
			return nil
		}
		v.Set(reflect.ValueOf(string(s)))
	default:
		d.typeError("string", v.Type(), d.pos)
	}
	return nil
}

func (d *decoder) storeNumber(item []byte, v reflect.Value, fromQuoted bool) error {
	s := string(item)
	switch v.Kind() {
	case reflect.Interface:
		f, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			d.typeError("number "+s, float64Type, d.pos+1)
		case v.NumMethod() != 0:
			d.typeError("number", v.Type(), d.pos)
		default:
			v.Set(reflect.ValueOf(f))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v.OverflowInt(n) {
			d.typeError("number "+s, v.Type(), d.pos)
			return nil
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v.OverflowUint(n) {
			d.typeError("number "+s, v.Type(), d.pos)
			return nil
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil || v.OverflowFloat(n) {
			d.typeError("number "+s, v.Type(), d.pos)
			return nil
		}
		v.SetFloat(n)
	default:
		if v.Type() == numberType {
			v.SetString(s)
			return nil
		}
		if fromQuoted {
			return quotedError(item, v.Type())
		}
		d.typeError("number", v.Type(), d.pos)
	}
	return nil
}

// indirect walks down v, allocating pointers, until it reaches a
// non-pointer or a value with decoding methods, exactly as encoding/json's
// indirect does (see there for the interface and null cases).
func indirect(v reflect.Value, decodingNull bool) (json.Unmarshaler, encoding.TextUnmarshaler, reflect.Value) {
	v0 := v
	haveAddr := false
	if v.Kind() != reflect.Pointer && v.Type().Name() != "" && v.CanAddr() {
		haveAddr = true
		v = v.Addr()
	}
	for {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			e := v.Elem()
			if e.Kind() == reflect.Pointer && !e.IsNil() && (!decodingNull || e.Elem().Kind() == reflect.Pointer) {
				haveAddr = false
				v = e
				continue
			}
		}
		if v.Kind() != reflect.Pointer || decodingNull && v.CanSet() {
			break
		}
		if v.Elem().Kind() == reflect.Interface && v.Elem().Elem().Equal(v) {
			v = v.Elem()
			break
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if v.Type().NumMethod() > 0 && v.CanInterface() {
			if u, ok := v.Interface().(json.Unmarshaler); ok {
				return u, nil, reflect.Value{}
			}
			if u, ok := v.Interface().(encoding.TextUnmarshaler); ok && !decodingNull {
				return nil, u, reflect.Value{}
			}
		}
		if haveAddr {
			v, haveAddr = v0, false
		} else {
			v = v.Elem()
		}
	}
	return nil, nil, v
}
