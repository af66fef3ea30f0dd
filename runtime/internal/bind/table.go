package bind

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// A field is one decodable struct field with everything the decoder needs
// precomputed: its names, where it lives and how to decode it.
type field struct {
	name   string // JSON name
	folded string // appendFold(name)
	offset uintptr
	embeds []embedStep // embedded pointers to follow before offset applies
	codec  *codec
	typ    reflect.Type // declared field type
	quoted bool         // ",string" option
	// plainString marks direct (not promoted through pointers), unquoted
	// fields decoded as plain strings.
	plainString bool
	path        string // error path: embedded field names and name, dot-joined
}

// An embedStep is an embedded pointer on the way to a promoted field.
type embedStep struct {
	offset   uintptr      // of the pointer, from the current base
	elem     reflect.Type // the struct it points to
	settable bool         // false for unexported embedded types: cannot allocate
}

// A fieldTable finds fields by JSON key: exact match first, then the first
// field (in index order) whose folded name equals the key's fold.
type fieldTable struct {
	list   []field
	exact  map[string]int // used when list is long
	folded map[string]int
}

const linearFields = 8 // tables up to this size are searched linearly

func (b *builder) fieldTable(t reflect.Type) *fieldTable {
	specs := typeFields(t)
	tab := &fieldTable{list: make([]field, len(specs))}
	for i, s := range specs {
		tab.list[i] = b.field(t, s)
	}
	if len(specs) > linearFields {
		tab.exact = make(map[string]int, len(specs))
		tab.folded = make(map[string]int, len(specs))
		for i, f := range tab.list {
			tab.exact[f.name] = i
			if _, ok := tab.folded[f.folded]; !ok {
				tab.folded[f.folded] = i
			}
		}
	}
	return tab
}

// field resolves a spec's index path into offsets and embedded pointers.
func (b *builder) field(t reflect.Type, s fieldSpec) field {
	f := field{name: s.name, folded: string(appendFold(nil, []byte(s.name))), quoted: s.quoted}
	var names []string
	cur, settable := t, true
	for i, ind := range s.index {
		if cur.Kind() == reflect.Pointer {
			f.embeds = append(f.embeds, embedStep{offset: f.offset, elem: cur.Elem(), settable: settable})
			f.offset, cur = 0, cur.Elem()
		}
		sf := cur.Field(ind)
		if i < len(s.index)-1 {
			names = append(names, sf.Name)
		}
		f.offset += sf.Offset
		cur, settable = sf.Type, sf.IsExported()
	}
	f.typ = cur
	f.codec = b.build(cur, atPosition, nil)
	f.path = strings.Join(append(names, s.name), ".")
	f.plainString = f.codec.kind == kindString && f.embeds == nil && !f.quoted
	return f
}

// find returns the index of the field for key, or -1.
func (t *fieldTable) find(key []byte) int {
	if t.exact != nil {
		if i, ok := t.exact[string(key)]; ok {
			return i
		}
	} else {
		for i := range t.list {
			if t.list[i].name == string(key) {
				return i
			}
		}
	}
	return t.findFolded(key)
}

// findFolded matches key case-insensitively.
func (t *fieldTable) findFolded(key []byte) int {
	if t.exact == nil && isASCII(key) {
		for i := range t.list {
			if foldEqualASCII(key, t.list[i].folded) {
				return i
			}
		}
		return -1
	}
	var buf [64]byte
	folded := appendFold(buf[:0], key)
	if t.folded != nil {
		if i, ok := t.folded[string(folded)]; ok {
			return i
		}
		return -1
	}
	for i := range t.list {
		if t.list[i].folded == string(folded) {
			return i
		}
	}
	return -1
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
