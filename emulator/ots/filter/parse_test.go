package filter

import (
	"strings"
	"testing"

	ts "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/proto"
)

// conditions returns n single conditions, as SDK filters.
func conditions(n int) []ts.ColumnFilter {
	out := make([]ts.ColumnFilter, n)
	for i := range out {
		out[i] = eq("a", int64(i))
	}
	return out
}

// nestedNots wraps a == 1 in n NOT conditions.
func nestedNots(n int) []byte {
	var f ts.ColumnFilter = eq("a", int64(1))
	for range n {
		f = combine(ts.LO_NOT, f)
	}
	return f.Serialize()
}

// sdkFilter returns the SDK's otsprotocol form of a condition.
func sdkFilter(f ts.ColumnFilter) *pb.Filter { return f.ToFilter() }

func TestParseErrors(t *testing.T) {
	and, not := pb.LogicalOperator_LO_AND.Enum(), pb.LogicalOperator_LO_NOT.Enum()
	a1 := sdkFilter(eq("a", int64(1)))
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"garbage", []byte{0xff, 0xff, 0xff}, "filter: malformed Filter message"},
		{"empty", nil, "filter: type missing"},
		{"filter bytes missing", marshal(&pb.Filter{Type: pb.FilterType_FT_SINGLE_COLUMN_VALUE.Enum()}), "filter: filter bytes missing"},
		{"unknown type", []byte{0x08, 0x09, 0x12, 0x00}, "filter: unknown filter type 9"},
		{"inner garbage", wrapFilter(pb.FilterType_FT_SINGLE_COLUMN_VALUE, []byte{0x0a}), "filter: single column condition: malformed SingleColumnValueFilter"},
		{"comparator missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.Comparator = nil }), "filter: single column condition: comparator missing"},
		{"comparator unknown", singleBytes(func(s *pb.SingleColumnValueFilter) { s.Comparator = pb.ComparatorType(9).Enum() }), "single column condition: unknown comparator 9"},
		{"column_name missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnName = nil }), "filter: single column condition: column_name missing"},
		{"column_name empty", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnName = proto.String("") }), "column_name empty"},
		{"column_value missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnValue = nil }), "column_value missing"},
		{"column_value truncated", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnValue = []byte{0x03, 5, 0, 0, 0, 'a'} }), "bad column_value"},
		{"column_value trailing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnValue = []byte{0x02, 1, 0} }), "bad column_value"},
		{"column_value bad type", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnValue = []byte{0x42} }), "bad column_value"},
		{"column_value INF_MAX", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ColumnValue = []byte{0x0a} }), "bad column_value: type INF_MAX"},
		{"filter_if_missing missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.FilterIfMissing = nil }), "filter_if_missing missing"},
		{"latest_version_only missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.LatestVersionOnly = nil }), "latest_version_only missing"},
		{"regex missing", singleBytes(func(s *pb.SingleColumnValueFilter) { s.ValueTransRule = &pb.ValueTransferRule{} }), "value_trans_rule: regex missing"},
		{"regex bad", singleBytes(func(s *pb.SingleColumnValueFilter) {
			s.ValueTransRule = &pb.ValueTransferRule{Regex: proto.String("(")}
		}), "value_trans_rule: bad regex"},
		{"cast VT_BLOB", singleBytes(func(s *pb.SingleColumnValueFilter) {
			s.ValueTransRule = &pb.ValueTransferRule{Regex: proto.String("x"), CastType: pb.VariantType_VT_BLOB.Enum()}
		}), "value_trans_rule: cast_type VT_BLOB unsupported"},
		{"cast unknown", singleBytes(func(s *pb.SingleColumnValueFilter) {
			s.ValueTransRule = &pb.ValueTransferRule{Regex: proto.String("x"), CastType: pb.VariantType(4).Enum()}
		}), "value_trans_rule: cast_type 4 unsupported"},
		{"composite garbage", wrapFilter(pb.FilterType_FT_COMPOSITE_COLUMN_VALUE, []byte{0x12, 0x05}), "filter: composite condition: malformed CompositeColumnValueFilter"},
		{"combinator missing", compositeBytes(nil, a1, a1), "filter: composite condition: combinator missing"},
		{"combinator unknown", compositeBytes(pb.LogicalOperator(7).Enum(), a1, a1), "composite condition: unknown combinator 7"},
		{"NOT of two", compositeBytes(not, a1, a1), "NOT takes exactly 1 sub-filter, got 2"},
		{"NOT of none", compositeBytes(not), "NOT takes exactly 1 sub-filter, got 0"},
		{"AND of one", compositeBytes(and, a1), "AND takes at least 2 sub-filters, got 1"},
		{"OR of none", compositeBytes(pb.LogicalOperator_LO_OR.Enum()), "OR takes at least 2 sub-filters, got 0"},
		{"sub type missing", compositeBytes(and, a1, &pb.Filter{Filter: []byte{}}), "composite condition: sub_filters[1]: type missing"},
		{"sub bad", compositeBytes(and, a1, sdkFilter(cond("", ts.CT_EQUAL, int64(1), false, false))), "sub_filters[1]: single column condition: column_name empty"},
		{"sub pagination", compositeBytes(and, a1, sdkFilter(&ts.PaginationFilter{Limit: 1})), "column pagination is only allowed as the whole filter"},
		{"11 conditions", combine(ts.LO_AND, conditions(11)...).Serialize(), "filter: 11 conditions, at most 10"},
		{"11 nested conditions", combine(ts.LO_OR, combine(ts.LO_AND, conditions(6)...), combine(ts.LO_AND, conditions(5)...)).Serialize(), "filter: 11 conditions, at most 10"},
		{"too deep", nestedNots(MaxDepth + 1), "nested more than 32 deep"},
		{"pagination garbage", wrapFilter(pb.FilterType_FT_COLUMN_PAGINATION, []byte{0x08}), "filter: column pagination: malformed ColumnPaginationFilter"},
		{"offset missing", wrapFilter(pb.FilterType_FT_COLUMN_PAGINATION, marshal(&pb.ColumnPaginationFilter{Limit: proto.Int32(1)})), "filter: column pagination: offset missing"},
		{"limit missing", wrapFilter(pb.FilterType_FT_COLUMN_PAGINATION, marshal(&pb.ColumnPaginationFilter{Offset: proto.Int32(1)})), "filter: column pagination: limit missing"},
		{"negative offset", (&ts.PaginationFilter{Offset: -1, Limit: 1}).Serialize(), "offset -1 is negative"},
		{"negative limit", (&ts.PaginationFilter{Offset: 0, Limit: -2}).Serialize(), "limit -2 is negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.b)
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", f)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseLimitsAccepted(t *testing.T) {
	for name, b := range map[string][]byte{
		"10 conditions": combine(ts.LO_AND, conditions(10)...).Serialize(),
		"MaxDepth":      nestedNots(MaxDepth),
	} {
		if _, err := Parse(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
