package filter

import (
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// composite is a NOT, AND or OR of sub-conditions.
type composite struct {
	op   otsprotocol.LogicalOperator
	subs []node
}

// parseComposite decodes a CompositeColumnValueFilter and its sub-filters.
func (p *parser) parseComposite(b []byte) (*composite, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, errorf("composite conditions nested more than %d deep", MaxDepth)
	}
	var pb otsprotocol.CompositeColumnValueFilter
	if err := unmarshal(b, &pb); err != nil {
		return nil, errorf("malformed CompositeColumnValueFilter message: %v", err)
	}
	if pb.Combinator == nil {
		return nil, errorf("combinator missing")
	}
	if op := pb.GetCombinator(); op < otsprotocol.LogicalOperator_LO_NOT || op > otsprotocol.LogicalOperator_LO_OR {
		return nil, errorf("unknown combinator %d", op)
	}
	if err := checkArity(pb.GetCombinator(), len(pb.SubFilters)); err != nil {
		return nil, err
	}
	c := &composite{op: pb.GetCombinator(), subs: make([]node, 0, len(pb.SubFilters))}
	for i, sub := range pb.SubFilters {
		n, err := p.parseSub(sub)
		if err != nil {
			return nil, wrap(fmt.Sprintf("sub_filters[%d]", i), err)
		}
		c.subs = append(c.subs, n)
	}
	return c, nil
}

// parseSub checks a nested Filter's required fields and parses it.
func (p *parser) parseSub(pb *otsprotocol.Filter) (node, error) {
	if err := checkFilter(pb); err != nil {
		return nil, err
	}
	return p.parseNode(pb)
}

// checkArity enforces one sub-filter for NOT and at least two for AND and OR.
func checkArity(op otsprotocol.LogicalOperator, n int) error {
	if op == otsprotocol.LogicalOperator_LO_NOT && n != 1 {
		return errorf("NOT takes exactly 1 sub-filter, got %d", n)
	}
	if op != otsprotocol.LogicalOperator_LO_NOT && n < 2 {
		return errorf("%s takes at least 2 sub-filters, got %d", opName(op), n)
	}
	return nil
}

// opName returns the operator's name without the LO_ prefix.
func opName(op otsprotocol.LogicalOperator) string {
	switch op {
	case otsprotocol.LogicalOperator_LO_AND:
		return "AND"
	case otsprotocol.LogicalOperator_LO_OR:
		return "OR"
	}
	return "NOT"
}

func (c *composite) match(cells []plainbuf.Cell) bool {
	switch c.op {
	case otsprotocol.LogicalOperator_LO_NOT:
		return !c.subs[0].match(cells)
	case otsprotocol.LogicalOperator_LO_AND:
		for _, s := range c.subs {
			if !s.match(cells) {
				return false
			}
		}
		return true
	}
	for _, s := range c.subs {
		if s.match(cells) {
			return true
		}
	}
	return false
}

func (c *composite) appendColumns(dst []string) []string {
	for _, s := range c.subs {
		dst = s.appendColumns(dst)
	}
	return dst
}
