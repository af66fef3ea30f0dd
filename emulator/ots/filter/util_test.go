package filter

import (
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// cell returns a versioned attribute cell.
func cell(name string, ts int64, v plainbuf.Value) plainbuf.Cell {
	return plainbuf.Cell{Name: name, Value: v, HasValue: true, Timestamp: ts, HasTimestamp: true}
}

// cond returns the SDK's single column condition with filter_if_missing and
// latest_version_only as given.
func cond(col string, op tablestore.ComparatorType, v any, ifMissing, latest bool) *tablestore.SingleColumnCondition {
	c := tablestore.NewSingleColumnCondition(col, op, v)
	c.FilterIfMissing = ifMissing
	c.LatestVersionOnly = latest
	return c
}

// eq returns col == v, checking the newest version only and passing rows
// without the column, as most cases want.
func eq(col string, v any) *tablestore.SingleColumnCondition {
	return cond(col, tablestore.CT_EQUAL, v, false, true)
}

// regexCond returns a condition with a value_trans_rule.
func regexCond(col, re string, cast tablestore.VariantType, op tablestore.ComparatorType, v any) *tablestore.SingleColumnCondition {
	c := tablestore.NewSingleColumnValueRegexFilter(col, op, tablestore.NewValueTransferRule(re, cast), v)
	c.FilterIfMissing = true
	c.LatestVersionOnly = true
	return c
}

// combine returns the SDK's composite condition over subs.
func combine(op tablestore.LogicalOperator, subs ...tablestore.ColumnFilter) *tablestore.CompositeColumnValueFilter {
	c := tablestore.NewCompositeColumnCondition(op)
	for _, s := range subs {
		c.AddFilter(s)
	}
	return c
}

// marshal serializes m without required-field checks, so that tests can
// build the malformed messages a client might send.
func marshal(m sdkproto.Message) []byte {
	b, err := sdkproto.MarshalPartial(m)
	if err != nil {
		panic(err)
	}
	return b
}

// wrapFilter serializes an otsprotocol.Filter of type t around inner.
func wrapFilter(t otsprotocol.FilterType, inner []byte) []byte {
	return marshal(&otsprotocol.Filter{Type: t.Enum(), Filter: inner})
}

// singleBytes serializes a SingleColumnValueFilter after edit changes a valid
// one (a == 1).
func singleBytes(edit func(*otsprotocol.SingleColumnValueFilter)) []byte {
	pb := tablestore.NewSingleColumnValueFilter(eq("a", int64(1)))
	edit(pb)
	return wrapFilter(otsprotocol.FilterType_FT_SINGLE_COLUMN_VALUE, marshal(pb))
}

// compositeBytes serializes a composite filter with the given sub-filters.
func compositeBytes(op *otsprotocol.LogicalOperator, subs ...*otsprotocol.Filter) []byte {
	pb := &otsprotocol.CompositeColumnValueFilter{Combinator: op, SubFilters: subs}
	return wrapFilter(otsprotocol.FilterType_FT_COMPOSITE_COLUMN_VALUE, marshal(pb))
}
