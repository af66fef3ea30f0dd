package bind

import (
	"strconv"

	"github.com/rocketfn/rocketfn/runtime/internal/jsonlex"
)

// number validates the number literal at pos, moves past it and returns
// its text. integer reports that it has no fraction or exponent.
func (d *decoder) number() (lit []byte, integer bool, err error) {
	end, integer, serr := jsonlex.ScanNumber(d.data, d.pos)
	if serr != nil {
		return nil, false, errSyntax
	}
	lit, d.pos = d.data[d.pos:end], end
	return lit, integer, nil
}

// parseInt converts a number literal to a signed integer of the given bit
// size, failing where strconv.ParseInt or the size would.
func parseInt(lit []byte, integer bool, bits uint8) (int64, bool) {
	if !integer {
		return 0, false
	}
	var n int64
	if len(lit) <= 18 {
		neg := lit[0] == '-'
		ds := lit
		if neg {
			ds = lit[1:]
		}
		for _, c := range ds {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
	} else {
		var err error
		if n, err = strconv.ParseInt(string(lit), 10, 64); err != nil {
			return 0, false
		}
	}
	if bits < 64 && (n < -1<<(bits-1) || n > 1<<(bits-1)-1) {
		return 0, false
	}
	return n, true
}

// parseUint converts a number literal to an unsigned integer of the given
// bit size, failing where strconv.ParseUint or the size would (any sign,
// even "-0", is an error).
func parseUint(lit []byte, integer bool, bits uint8) (uint64, bool) {
	if !integer || lit[0] == '-' {
		return 0, false
	}
	var n uint64
	if len(lit) <= 19 {
		for _, c := range lit {
			n = n*10 + uint64(c-'0')
		}
	} else {
		var err error
		if n, err = strconv.ParseUint(string(lit), 10, 64); err != nil {
			return 0, false
		}
	}
	if bits < 64 && n > 1<<bits-1 {
		return 0, false
	}
	return n, true
}

// parseFloat converts a number literal as strconv.ParseFloat does.
func parseFloat(lit []byte, integer bool, bits uint8) (float64, bool) {
	if f, ok := exactFloat(lit, integer, bits); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(string(lit), int(bits))
	return f, err == nil
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// exactFloat converts literals whose digits (at most 15) and decimal
// exponent (at most 22 either way) are exact in a float64: one
// multiplication or division then rounds correctly, giving strconv's
// result. For float32 only integers qualify, which convert exactly first.
func exactFloat(lit []byte, integer bool, bits uint8) (float64, bool) {
	neg := lit[0] == '-'
	i, n, digits, exp := 0, int64(0), 0, 0
	if neg {
		i = 1
	}
	for ; i < len(lit) && isDigit(lit[i]); i++ {
		n, digits = n*10+int64(lit[i]-'0'), digits+1
	}
	if !integer {
		if bits != 64 {
			return 0, false
		}
		var ok bool
		if n, digits, exp, ok = fraction(lit, i, n, digits); !ok {
			return 0, false
		}
	}
	if digits > 15 || exp < -22 || exp > 22 {
		return 0, false
	}
	f := float64(n)
	if exp < 0 {
		f /= pow10[-exp]
	} else {
		f *= pow10[exp]
	}
	if neg {
		f = -f
	}
	if bits == 32 {
		f = float64(float32(f))
	}
	return f, true
}

// fraction continues exactFloat past the integer digits at lit[i]: the
// fraction digits join the mantissa and the exponent is applied.
func fraction(lit []byte, i int, n int64, digits int) (int64, int, int, bool) {
	exp := 0
	if i < len(lit) && lit[i] == '.' {
		for i++; i < len(lit) && isDigit(lit[i]); i++ {
			n, digits, exp = n*10+int64(lit[i]-'0'), digits+1, exp-1
			if digits > 15 {
				return 0, 0, 0, false
			}
		}
	}
	if i < len(lit) {
		e, ok := exponent(lit[i+1:])
		if !ok {
			return 0, 0, 0, false
		}
		exp += e
	}
	return n, digits, exp, true
}

// exponent parses the digits (and sign) after 'e', giving up past 999.
func exponent(s []byte) (int, bool) {
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) > 3 {
		return 0, false
	}
	e := 0
	for _, c := range s {
		e = e*10 + int(c-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}
