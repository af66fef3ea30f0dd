package kv

import (
	"bytes"

	"github.com/google/btree"
)

// treeDegree is the B-tree degree used for in-memory buckets and overlays.
const treeDegree = 16

// entry is one key in an in-memory tree. In an overlay, deleted marks a
// tombstone that hides the key in the data underneath.
type entry struct {
	key     []byte
	value   []byte
	deleted bool
}

// tree is an ordered set of entries keyed bytewise.
type tree = btree.BTreeG[entry]

// newTree returns an empty tree.
func newTree() *tree {
	return btree.NewG(treeDegree, func(a, b entry) bool {
		return bytes.Compare(a.key, b.key) < 0
	})
}

// lookup returns the entry stored under key.
func lookup(t *tree, key []byte) (entry, bool) {
	return t.Get(entry{key: key})
}

// scanTree visits the entries of t within the bounds of Reader.Scan, in
// the order it defines, until fn returns false.
func scanTree(t *tree, from, to []byte, reverse bool, fn func(entry) bool) {
	if reverse {
		visit := func(e entry) bool {
			if to != nil && bytes.Compare(e.key, to) <= 0 {
				return false
			}
			return fn(e)
		}
		if from == nil {
			t.Descend(visit)
		} else {
			t.DescendLessOrEqual(entry{key: from}, visit)
		}
		return
	}
	visit := func(e entry) bool {
		if to != nil && bytes.Compare(e.key, to) >= 0 {
			return false
		}
		return fn(e)
	}
	if from == nil {
		t.Ascend(visit)
	} else {
		t.AscendGreaterOrEqual(entry{key: from}, visit)
	}
}

// clone returns a copy of b that is never nil, so a stored empty value
// stays distinguishable from an absent one.
func clone(b []byte) []byte {
	return append(make([]byte, 0, len(b)), b...)
}
