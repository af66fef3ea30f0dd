package store

import (
	"bytes"
	"math"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Merging: the writes to one row, in the order they were made, go in
// segments, each one row operation. A segment starts with a write whose
// conditions the service checks (the head) and takes the writes after it
// for as long as each one's conditions are known to hold on the row as the
// segment leaves it, so that the operation applies them all or none, with
// the outcome applying them one by one would have had:
//
//   - a write without conditions always joins;
//   - IfExists joins after a write that creates the row (any update of a
//     row written idempotently, any update that puts or adds), IfNotExists
//     never after such a write;
//   - If(col, op, v) joins when the segment set col (the value is known)
//     or removed it (a missing column passes), or when the head's
//     IfNotExists makes the row new (its other columns are missing);
//   - a delete never joins and is a segment of its own;
//   - the other writes start a new segment, whose head the service checks:
//     a condition on a column the segment incremented, or that depends on
//     the row as it was, is the service's to decide.
//
// Changes fold per column: a Set then Adds is a Set of the sum, Adds sum
// up, a Remove then an Add is a Set. A segment also ends where a limit
// would be passed: 1024 columns or 1 MB in one operation, 100 idempotency
// keys, or the messages a failing operation is being split to.

// known is what the segment knows of one column after its writes.
type known struct {
	present bool
	value   any
}

// knowledge is what a segment's writes and its head's conditions tell of
// the row once the operation applies.
type knowledge struct {
	exists int8 // -1 unknown, 0 no, 1 yes
	fresh  bool // the row did not exist before: columns not in cols are missing
	cols   map[string]known
}

func newKnowledge(head *write, marked bool) *knowledge {
	k := &knowledge{exists: -1, cols: map[string]known{}}
	switch head.exist {
	case tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST:
		k.exists, k.fresh = 0, true
	case tablestore.RowExistenceExpectation_EXPECT_EXIST:
		k.exists = 1
	}
	k.apply(head, marked)
	return k
}

// column returns what is known of col; ok is false when nothing is.
func (k *knowledge) column(col string) (known, bool) {
	if v, ok := k.cols[col]; ok {
		return v, true
	}
	if k.fresh {
		return known{}, true
	}
	return known{}, false
}

// apply records w's changes. marked says the operation puts bookkeeping
// columns, which create the row.
func (k *knowledge) apply(w *write, marked bool) {
	creates := marked
	for _, c := range w.changes {
		switch c.op {
		case changeSet:
			k.cols[c.col] = known{true, c.value}
			creates = true
		case changeAdd:
			creates = true
			kn, ok := k.column(c.col)
			v, isInt := kn.value.(int64)
			switch {
			case ok && !kn.present: // a missing column counts as 0
				k.cols[c.col] = known{true, c.delta}
			case ok && isInt:
				k.cols[c.col] = known{true, v + c.delta}
			default: // present, its value unknown
				k.cols[c.col] = known{present: true}
			}
		case changeRemove:
			k.cols[c.col] = known{}
		}
	}
	if creates {
		k.exists = 1
	}
}

// holds reports whether w's conditions are known to hold.
func (k *knowledge) holds(w *write) bool {
	switch w.exist {
	case tablestore.RowExistenceExpectation_EXPECT_EXIST:
		if k.exists != 1 {
			return false
		}
	case tablestore.RowExistenceExpectation_EXPECT_NOT_EXIST:
		if k.exists != 0 {
			return false
		}
	}
	for _, c := range w.conds {
		kn, ok := k.column(c.col)
		if !ok {
			return false
		}
		if !kn.present {
			continue // a missing column passes
		}
		if pass, comparable := compare(kn.value, c.cmp, c.value); !comparable || !pass {
			return false
		}
	}
	return true
}

// compare compares a stored value with a condition's; comparable is false
// for values of different types, which the service does not let pass.
func compare(a any, cmp tablestore.ComparatorType, b any) (pass, comparable bool) {
	var d int
	switch a := a.(type) {
	case int64:
		b, ok := b.(int64)
		if !ok {
			return false, false
		}
		d = cmpOrdered(a, b)
	case float64:
		b, ok := b.(float64)
		if !ok || math.IsNaN(a) || math.IsNaN(b) {
			return false, false
		}
		d = cmpOrdered(a, b)
	case string:
		b, ok := b.(string)
		if !ok {
			return false, false
		}
		d = cmpOrdered(a, b)
	case []byte:
		b, ok := b.([]byte)
		if !ok {
			return false, false
		}
		d = bytes.Compare(a, b)
	case bool:
		b, ok := b.(bool)
		if !ok {
			return false, false
		}
		d = cmpOrdered(boolInt(a), boolInt(b))
	default:
		return false, false
	}
	switch cmp {
	case tablestore.CT_EQUAL:
		return d == 0, true
	case tablestore.CT_NOT_EQUAL:
		return d != 0, true
	case tablestore.CT_GREATER_THAN:
		return d > 0, true
	case tablestore.CT_GREATER_EQUAL:
		return d >= 0, true
	case tablestore.CT_LESS_THAN:
		return d < 0, true
	case tablestore.CT_LESS_EQUAL:
		return d <= 0, true
	}
	return false, false
}

func cmpOrdered[T int64 | float64 | string | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// folded is the change a segment makes to one column.
type folded struct {
	op    changeOp
	value any
	delta int64
}

// fold accumulates a segment's changes per column, in the order columns
// are first changed.
type fold struct {
	cols  map[string]*folded
	order []string
}

func newFold() *fold { return &fold{cols: map[string]*folded{}} }

// fits reports whether w's changes fold into f: an Add needs an integer
// or an Add before it, and must not overflow.
func (f *fold) fits(w *write) bool {
	next := map[string]folded{}
	for _, c := range w.changes {
		prev, had := next[c.col]
		if !had && f.cols[c.col] != nil {
			prev, had = *f.cols[c.col], true
		}
		var ok bool
		if next[c.col], ok = foldOne(prev, had, c); !ok {
			return false
		}
	}
	return true
}

// add folds w's changes; fits(w) must hold.
func (f *fold) add(w *write) {
	for _, c := range w.changes {
		prev := f.cols[c.col]
		if prev == nil {
			f.order = append(f.order, c.col)
			prev = &folded{}
			f.cols[c.col] = prev
			*prev, _ = foldOne(folded{}, false, c)
			continue
		}
		*prev, _ = foldOne(*prev, true, c)
	}
}

// foldOne is the change to a column that makes prev (when had) then c;
// ok is false when c cannot follow prev in one operation.
func foldOne(prev folded, had bool, c change) (next folded, ok bool) {
	if !had || c.op != changeAdd {
		return folded{op: c.op, value: c.value, delta: c.delta}, true
	}
	switch prev.op {
	case changeAdd:
		s, ok := addInt(prev.delta, c.delta)
		return folded{op: changeAdd, delta: s}, ok
	case changeSet:
		v, isInt := prev.value.(int64)
		if !isInt {
			return folded{}, false
		}
		s, ok := addInt(v, c.delta)
		return folded{op: changeSet, value: s}, ok
	}
	return folded{op: changeSet, value: c.delta}, true // a missing column counts as 0
}

// columns counts the columns f and w change together.
func (f *fold) columns(w *write) int {
	n := len(f.order)
	seen := map[string]bool{}
	for _, c := range w.changes {
		if f.cols[c.col] == nil && !seen[c.col] {
			seen[c.col] = true
			n++
		}
	}
	return n
}

// into writes the folded changes to ch.
func (f *fold) into(ch *tablestore.UpdateRowChange) {
	for _, col := range f.order {
		switch c := f.cols[col]; c.op {
		case changeSet:
			ch.PutColumn(col, c.value)
		case changeAdd:
			ch.IncrementColumn(col, c.delta)
		case changeRemove:
			ch.DeleteColumn(col)
		}
	}
}

// addInt adds without overflow; ok is false when it would overflow.
func addInt(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}
