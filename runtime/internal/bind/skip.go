package bind

import "github.com/rocketfn/rocketfn/runtime/internal/jsonlex"

// skip validates the JSON value at pos and moves past it. Containers in
// it count towards the decoder's nesting limit.
func (d *decoder) skip() error {
	end, err := jsonlex.Skip(d.data, d.pos, maxDepth-d.depth, false)
	if err != nil {
		return errSyntax
	}
	d.pos = end
	return nil
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
