package filter

import (
	"bytes"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// single compares one column with a constant.
type single struct {
	cmp             otsprotocol.ComparatorType
	column          string
	value           plainbuf.Value
	filterIfMissing bool
	latestOnly      bool
	rule            *transRule // nil when the value is compared as stored
}

// parseSingle decodes a SingleColumnValueFilter.
func parseSingle(b []byte) (*single, error) {
	var pb otsprotocol.SingleColumnValueFilter
	if err := unmarshal(b, &pb); err != nil {
		return nil, errorf("malformed SingleColumnValueFilter message: %v", err)
	}
	if err := checkSingle(&pb); err != nil {
		return nil, err
	}
	v, err := parseValue(pb.ColumnValue)
	if err != nil {
		return nil, err
	}
	s := &single{
		cmp:             pb.GetComparator(),
		column:          pb.GetColumnName(),
		value:           v,
		filterIfMissing: pb.GetFilterIfMissing(),
		latestOnly:      pb.GetLatestVersionOnly(),
	}
	if pb.ValueTransRule != nil {
		if s.rule, err = parseRule(pb.ValueTransRule); err != nil {
			return nil, wrap("value_trans_rule", err)
		}
	}
	return s, nil
}

// checkSingle checks that the required fields are present.
func checkSingle(pb *otsprotocol.SingleColumnValueFilter) error {
	switch {
	case pb.Comparator == nil:
		return errorf("comparator missing")
	case *pb.Comparator < otsprotocol.ComparatorType_CT_EQUAL || *pb.Comparator > otsprotocol.ComparatorType_CT_LESS_EQUAL:
		return errorf("unknown comparator %d", *pb.Comparator)
	case pb.ColumnName == nil:
		return errorf("column_name missing")
	case *pb.ColumnName == "":
		return errorf("column_name empty")
	case pb.ColumnValue == nil:
		return errorf("column_value missing")
	case pb.FilterIfMissing == nil:
		return errorf("filter_if_missing missing")
	case pb.LatestVersionOnly == nil:
		return errorf("latest_version_only missing")
	}
	return nil
}

// parseValue decodes column_value and accepts only the types a column can hold.
func parseValue(b []byte) (plainbuf.Value, error) {
	v, err := plainbuf.DecodeValue(b)
	if err != nil {
		return plainbuf.Value{}, errorf("bad column_value: %v", err)
	}
	switch v.Type {
	case plainbuf.Integer, plainbuf.Double, plainbuf.Boolean, plainbuf.String, plainbuf.Binary:
	default:
		return plainbuf.Value{}, errorf("bad column_value: type %s cannot be compared", v.Type)
	}
	v.Bytes = bytes.Clone(v.Bytes)
	return v, nil
}

func (s *single) match(cells []plainbuf.Cell) bool {
	found := false
	var latest plainbuf.Cell
	for _, c := range cells {
		if c.Name != s.column || !c.HasValue {
			continue
		}
		if !s.latestOnly && s.passes(c.Value) {
			return true
		}
		if !found || c.Timestamp > latest.Timestamp {
			latest = c
		}
		found = true
	}
	switch {
	case !found:
		return !s.filterIfMissing
	case s.latestOnly:
		return s.passes(latest.Value)
	}
	return false
}

// passes reports whether one version of the column passes the comparison.
func (s *single) passes(v plainbuf.Value) bool {
	if s.rule != nil {
		var ok bool
		if v, ok = s.rule.apply(v); !ok {
			return false
		}
	}
	c, ok := plainbuf.Compare(v, s.value)
	if !ok || v.Type != s.value.Type {
		return false
	}
	switch s.cmp {
	case otsprotocol.ComparatorType_CT_EQUAL:
		return c == 0
	case otsprotocol.ComparatorType_CT_NOT_EQUAL:
		return c != 0
	case otsprotocol.ComparatorType_CT_GREATER_THAN:
		return c > 0
	case otsprotocol.ComparatorType_CT_GREATER_EQUAL:
		return c >= 0
	case otsprotocol.ComparatorType_CT_LESS_THAN:
		return c < 0
	case otsprotocol.ComparatorType_CT_LESS_EQUAL:
		return c <= 0
	}
	return false
}

func (s *single) appendColumns(dst []string) []string { return append(dst, s.column) }
