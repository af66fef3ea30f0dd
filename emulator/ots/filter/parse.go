package filter

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
)

// parser carries the counts that span the whole filter tree.
type parser struct {
	conditions int // single column conditions seen so far
	depth      int // current nesting level
}

// errorf returns an error prefixed with "filter: ".
func errorf(format string, args ...any) error {
	return fmt.Errorf("filter: "+format, args...)
}

// wrap puts context after the "filter: " prefix of err, which errorf made.
func wrap(context string, err error) error {
	return errors.New("filter: " + context + ": " + strings.TrimPrefix(err.Error(), "filter: "))
}

// unmarshal decodes b into m, leaving required-field checks to the caller so
// that errors can name the field.
func unmarshal(b []byte, m sdkproto.Message) error {
	return sdkproto.UnmarshalPartial(b, m)
}

// parseTop decodes the outermost Filter, the only place a column pagination
// filter may appear.
func (p *parser) parseTop(b []byte) (*Filter, error) {
	var pb otsprotocol.Filter
	if err := unmarshal(b, &pb); err != nil {
		return nil, errorf("malformed Filter message: %v", err)
	}
	if err := checkFilter(&pb); err != nil {
		return nil, err
	}
	if pb.GetType() == otsprotocol.FilterType_FT_COLUMN_PAGINATION {
		pg, err := parsePage(pb.Filter)
		if err != nil {
			return nil, wrap("column pagination", err)
		}
		return &Filter{page: pg}, nil
	}
	n, err := p.parseNode(&pb)
	if err != nil {
		return nil, err
	}
	return &Filter{cond: n}, nil
}

// checkFilter checks a Filter's required fields.
func checkFilter(pb *otsprotocol.Filter) error {
	if pb.Type == nil {
		return errorf("type missing")
	}
	if pb.Filter == nil {
		return errorf("filter bytes missing")
	}
	return nil
}

// parseNode turns a decoded single or composite condition into a node.
func (p *parser) parseNode(pb *otsprotocol.Filter) (node, error) {
	switch pb.GetType() {
	case otsprotocol.FilterType_FT_SINGLE_COLUMN_VALUE:
		p.conditions++
		s, err := parseSingle(pb.Filter)
		if err != nil {
			return nil, wrap("single column condition", err)
		}
		return s, nil
	case otsprotocol.FilterType_FT_COMPOSITE_COLUMN_VALUE:
		c, err := p.parseComposite(pb.Filter)
		if err != nil {
			return nil, wrap("composite condition", err)
		}
		return c, nil
	case otsprotocol.FilterType_FT_COLUMN_PAGINATION:
		return nil, errorf("column pagination is only allowed as the whole filter")
	}
	return nil, errorf("unknown filter type %d", pb.GetType())
}

// parsePage decodes a ColumnPaginationFilter.
func parsePage(b []byte) (*page, error) {
	var pb otsprotocol.ColumnPaginationFilter
	if err := unmarshal(b, &pb); err != nil {
		return nil, errorf("malformed ColumnPaginationFilter message: %v", err)
	}
	switch {
	case pb.Offset == nil:
		return nil, errorf("offset missing")
	case pb.Limit == nil:
		return nil, errorf("limit missing")
	case *pb.Offset < 0:
		return nil, errorf("offset %d is negative", *pb.Offset)
	case *pb.Limit < 0:
		return nil, errorf("limit %d is negative", *pb.Limit)
	}
	return &page{offset: int(*pb.Offset), limit: int(*pb.Limit)}, nil
}
