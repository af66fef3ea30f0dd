package bind

import (
	"encoding/base64"
	"unsafe"
)

// decodeSlice decodes a JSON array into the slice at p the way encoding/json
// does: the length is reset and elements are decoded in place, reusing the
// backing array (and what is in it) up to its capacity. An empty array
// yields an empty, non-nil slice.
func (d *decoder) decodeSlice(c *codec, p unsafe.Pointer) error {
	if d.peek() != '[' {
		return d.mismatch(c, p, c.typ)
	}
	if err := d.enter(); err != nil {
		return err
	}
	s := (*sliceHeader)(p)
	i := 0
	if d.next() == ']' {
		d.pos++
		d.depth--
	} else {
		for {
			if i >= s.cap {
				growSlice(c.typ, p)
			}
			if i >= s.len {
				s.len = i + 1
			}
			if err := d.value(c.elem, unsafe.Add(s.data, uintptr(i)*c.elem.size)); err != nil {
				return err
			}
			i++
			done, err := d.endMember(']')
			if err != nil {
				return err
			}
			if done {
				break
			}
			d.skipSpace()
		}
	}
	if i < s.len {
		s.len = i
	}
	if i == 0 {
		*s = sliceHeader{data: unsafe.Pointer(&emptyBase)}
	}
	return nil
}

// decodeBytes decodes into a slice of bytes: a JSON string is base64
// (standard encoding), an array is decoded element by element.
func (d *decoder) decodeBytes(c *codec, p unsafe.Pointer) error {
	if d.peek() != '"' {
		return d.decodeSlice(c, p)
	}
	s, err := d.view()
	if err != nil {
		return err
	}
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, s)
	if err != nil {
		d.save(err)
		return nil
	}
	*(*[]byte)(p) = b[:n]
	return nil
}

// decodeArray decodes a JSON array into the Go array at p: extra JSON
// elements are skipped and missing ones zero the rest of the array.
func (d *decoder) decodeArray(c *codec, p unsafe.Pointer) error {
	if d.peek() != '[' {
		return d.mismatch(c, p, c.typ)
	}
	if err := d.enter(); err != nil {
		return err
	}
	i := 0
	if d.next() == ']' {
		d.pos++
		d.depth--
	} else {
		for {
			var err error
			if i < c.length {
				err = d.value(c.elem, unsafe.Add(p, uintptr(i)*c.elem.size))
			} else {
				err = d.skip()
			}
			if err != nil {
				return err
			}
			i++
			done, err := d.endMember(']')
			if err != nil {
				return err
			}
			if done {
				break
			}
			d.skipSpace()
		}
	}
	for ; i < c.length; i++ {
		zeroValue(c.elem.typ, unsafe.Add(p, uintptr(i)*c.elem.size))
	}
	return nil
}
