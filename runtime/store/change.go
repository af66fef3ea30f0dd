package store

import (
	"fmt"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// A Change is one column change of an Update.
type Change struct {
	op    changeOp
	col   string
	value any
	delta int64
}

type changeOp int

const (
	changeSet changeOp = iota
	changeAdd
	changeRemove
)

// Set sets column col to v (int64, string, []byte, bool or float64; other
// integer and float types are converted).
func Set(col string, v any) Change { return Change{op: changeSet, col: col, value: v} }

// Add adds delta to the integer column col atomically; a missing column
// counts as 0.
func Add(col string, delta int64) Change { return Change{op: changeAdd, col: col, delta: delta} }

// Remove removes column col.
func Remove(col string) Change { return Change{op: changeRemove, col: col} }

// A Condition must hold for a write to apply; a write whose condition
// fails returns ErrConditionFailed and changes nothing.
type Condition struct {
	existence tablestore.RowExistenceExpectation
	col       string
	cmp       tablestore.ComparatorType
	value     any
}

// IfExists requires the row to exist.
func IfExists() Condition {
	return Condition{existence: tablestore.RowExistenceExpectation_EXPECT_EXIST}
}

// IfNotExists requires the row not to exist.
func IfNotExists() Condition {
	return Condition{existence: tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST}
}

var comparators = map[string]tablestore.ComparatorType{
	"=": tablestore.CT_EQUAL, "!=": tablestore.CT_NOT_EQUAL, ">": tablestore.CT_GREATER_THAN,
	">=": tablestore.CT_GREATER_EQUAL, "<": tablestore.CT_LESS_THAN, "<=": tablestore.CT_LESS_EQUAL,
}

// If requires column col to compare to v by op ("=", "!=", ">", ">=",
// "<", "<="). A row without the column passes, as in Tablestore; combine
// with IfExists for rows that must exist. Optimistic concurrency is
// If("Version", "=", v) with a Set("Version", v+1).
func If(col, op string, v any) Condition {
	cmp, ok := comparators[op]
	if !ok {
		cmp = -1
	}
	return Condition{existence: -1, col: col, cmp: cmp, value: v}
}

// maxColumnConditions is the service's limit, less the one the row
// version check of idempotent writes takes.
const maxColumnConditions = 9

// conditions reads conds: the row existence expectation and the column
// conditions.
func conditions(conds []Condition) (tablestore.RowExistenceExpectation, []colCond, error) {
	existence := tablestore.RowExistenceExpectation_IGNORE
	var out []colCond
	for _, c := range conds {
		if c.existence >= 0 {
			existence = c.existence
			continue
		}
		if c.cmp < 0 {
			return 0, nil, fmt.Errorf("tablestore: condition on %q: unknown comparison", c.col)
		}
		if strings.HasPrefix(c.col, markerPrefix) {
			return 0, nil, fmt.Errorf("tablestore: condition on %q: names starting with %q are reserved", c.col, markerPrefix)
		}
		v, err := sdkValue(c.col, c.value)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, colCond{col: c.col, cmp: c.cmp, value: v})
	}
	if len(out) > maxColumnConditions {
		return 0, nil, fmt.Errorf("tablestore: %d column conditions, at most %d", len(out), maxColumnConditions)
	}
	return existence, out, nil
}

// sdkValue converts a Go value to the type the SDK writes.
func sdkValue(col string, v any) (any, error) {
	switch v := v.(type) {
	case int64, string, []byte, bool, float64:
		return v, nil
	case int:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case uint8:
		return int64(v), nil
	case uint16:
		return int64(v), nil
	case uint32:
		return int64(v), nil
	case float32:
		return float64(v), nil
	}
	return nil, fmt.Errorf("tablestore: column %q: %T has no Tablestore type (use int64, string, []byte, bool or float64)", col, v)
}
