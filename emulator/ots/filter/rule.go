package filter

import (
	"regexp"
	"strconv"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// transRule is a value_trans_rule: a regular expression that extracts part of
// a STRING value and the type the extracted text is cast to.
type transRule struct {
	re   *regexp.Regexp
	cast otsprotocol.VariantType
}

// parseRule decodes a ValueTransferRule. An absent cast_type means VT_INTEGER,
// the protocol's default.
func parseRule(pb *otsprotocol.ValueTransferRule) (*transRule, error) {
	if pb.Regex == nil {
		return nil, errorf("regex missing")
	}
	re, err := regexp.Compile(*pb.Regex)
	if err != nil {
		return nil, errorf("bad regex: %v", err)
	}
	switch cast := pb.GetCastType(); cast {
	case otsprotocol.VariantType_VT_INTEGER, otsprotocol.VariantType_VT_DOUBLE, otsprotocol.VariantType_VT_STRING:
		return &transRule{re: re, cast: cast}, nil
	default:
		return nil, errorf("cast_type %s unsupported, want VT_INTEGER, VT_DOUBLE or VT_STRING", cast)
	}
}

// apply extracts and casts v. ok is false when v is not a STRING, the
// expression does not match, or the cast fails.
func (r *transRule) apply(v plainbuf.Value) (out plainbuf.Value, ok bool) {
	if v.Type != plainbuf.String {
		return plainbuf.Value{}, false
	}
	m := r.re.FindSubmatchIndex(v.Bytes)
	if m == nil {
		return plainbuf.Value{}, false
	}
	lo, hi := m[0], m[1]
	if len(m) > 2 {
		lo, hi = m[2], m[3]
	}
	if lo < 0 {
		return plainbuf.Value{}, false // the first group did not take part
	}
	return r.castText(string(v.Bytes[lo:hi]))
}

// castText converts extracted text to the rule's cast type.
func (r *transRule) castText(s string) (plainbuf.Value, bool) {
	switch r.cast {
	case otsprotocol.VariantType_VT_INTEGER:
		i, err := strconv.ParseInt(s, 10, 64)
		return plainbuf.Int(i), err == nil
	case otsprotocol.VariantType_VT_DOUBLE:
		f, err := strconv.ParseFloat(s, 64)
		return plainbuf.Float(f), err == nil
	}
	return plainbuf.Str(s), true
}
