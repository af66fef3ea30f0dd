package bind

import "github.com/rocketfn/rocketfn/runtime/internal/jsonstr"

// skip validates the JSON value at pos and moves past it.
func (d *decoder) skip() error {
	switch c := d.peek(); c {
	case '{':
		return d.skipObject()
	case '[':
		return d.skipArray()
	case '"':
		return d.skipString()
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || isDigit(c) {
			_, _, err := d.number()
			return err
		}
		return errSyntax
	}
}

func (d *decoder) skipObject() error {
	if err := d.enter(); err != nil {
		return err
	}
	c := d.next()
	if c == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if c != '"' {
			return errSyntax
		}
		if err := d.skipString(); err != nil {
			return err
		}
		if err := d.colon(); err != nil {
			return err
		}
		if err := d.skip(); err != nil {
			return err
		}
		done, err := d.endMember('}')
		if err != nil || done {
			return err
		}
		c = d.next()
	}
}

func (d *decoder) skipArray() error {
	if err := d.enter(); err != nil {
		return err
	}
	if d.next() == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if err := d.skip(); err != nil {
			return err
		}
		done, err := d.endMember(']')
		if err != nil || done {
			return err
		}
		d.skipSpace()
	}
}

// colon consumes the ':' after an object key and the space around it.
func (d *decoder) colon() error {
	if d.next() != ':' {
		return errSyntax
	}
	d.pos++
	d.skipSpace()
	return nil
}

// endMember consumes the ',' or closing bracket after an array element or
// object member. It reports whether the container ended.
func (d *decoder) endMember(closing byte) (bool, error) {
	switch d.next() {
	case ',':
		d.pos++
		return false, nil
	case closing:
		d.pos++
		d.depth--
		return true, nil
	}
	return false, errSyntax
}

// skipString validates the string literal at pos and moves past it.
func (d *decoder) skipString() error {
	data := d.data
	i := d.pos + 1
	for {
		i = jsonstr.SkipPlain(data, i)
		if i >= len(data) {
			return errSyntax
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return nil
		case c == '\\':
			n := escapeLen(data, i)
			if n == 0 {
				return errSyntax
			}
			i += n
		default: // control character
			return errSyntax
		}
	}
}

// escapeLen returns the length of the valid escape sequence at data[i], or 0.
func escapeLen(data []byte, i int) int {
	if i+1 >= len(data) {
		return 0
	}
	switch data[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if jsonstr.Hex4(data, i+2) >= 0 {
			return 6
		}
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
