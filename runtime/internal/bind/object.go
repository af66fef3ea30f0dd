package bind

import (
	"fmt"
	"reflect"
	"unsafe"
)

// decodeStruct decodes a JSON object into the struct at p through c's
// field table. Unknown keys are skipped; a repeated key decodes again into
// the same field, so the last one wins.
func (d *decoder) decodeStruct(c *codec, p unsafe.Pointer) error {
	if d.peek() != '{' {
		return d.mismatch(c, p, c.typ)
	}
	if empty, err := d.openObject(); empty || err != nil {
		return err
	}
	tab, hint := c.fields, 0
	for {
		if d.next() != '"' {
			return errSyntax
		}
		key, err := d.view()
		if err != nil {
			return err
		}
		// Fields usually arrive in declaration order: try the one after the
		// last match first.
		i := hint
		if i >= len(tab.list) || tab.list[i].name != string(key) {
			i = tab.find(key)
		}
		if err := d.colon(); err != nil {
			return err
		}
		if i < 0 {
			err = d.skip()
		} else {
			hint = i + 1
			err = d.field(&tab.list[i], c.typ, p)
		}
		if err != nil {
			return err
		}
		if done, err := d.endMember('}'); err != nil || done {
			return err
		}
	}
}

// field decodes the value of field f of the struct of type st at base.
// Plain string fields take a short path: nothing there can fail but syntax.
func (d *decoder) field(f *field, st reflect.Type, base unsafe.Pointer) error {
	if f.plainString && d.peek() == '"' {
		s, err := d.str()
		*(*string)(unsafe.Add(base, f.offset)) = s
		return err
	}
	return d.member(f, st, base)
}

// member decodes the value of field f of the struct of type st at base,
// and extends type errors raised inside it with the field's path.
func (d *decoder) member(f *field, st reflect.Type, base unsafe.Pointer) error {
	clean := d.saved == nil
	err := d.fieldValue(f, base)
	if err != nil {
		if err != errSyntax {
			d.addContext(err, f, st)
		}
		return err
	}
	if clean && d.saved != nil {
		d.addContext(d.saved, f, st)
	}
	return nil
}

func (d *decoder) fieldValue(f *field, base unsafe.Pointer) error {
	p := unsafe.Add(base, f.offset)
	if f.embeds != nil {
		var ok bool
		if p, ok = d.embedded(f, base); !ok {
			return d.skip()
		}
	}
	if f.quoted {
		return d.quoted(f, p)
	}
	return d.value(f.codec, p)
}

// embedded follows (allocating as needed) the embedded pointers on the way
// to a promoted field. Like encoding/json, it cannot allocate through an
// unexported embedded pointer: that saves an error and skips the value.
func (d *decoder) embedded(f *field, base unsafe.Pointer) (unsafe.Pointer, bool) {
	p := base
	for _, s := range f.embeds {
		pp := (*unsafe.Pointer)(unsafe.Add(p, s.offset))
		if *pp == nil {
			if !s.settable {
				d.save(fmt.Errorf("json: cannot set embedded pointer to unexported struct: %v", s.elem))
				return nil, false
			}
			*pp = newValue(s.elem)
		}
		p = *pp
	}
	return unsafe.Add(p, f.offset), true
}
