package pattern

import "slices"

// Pattern is a compiled event pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	leaves []*leaf // in canonical order: paths sorted key by key
	src    string  // canonical JSON
}

// leaf is one condition list: the event value at path must satisfy at least
// one of conds.
type leaf struct {
	path  []string
	name  string    // path formatted for messages
	conds []matcher // every condition, in pattern order, for rendering
	// values holds the conditions that test a present value, i.e. all but
	// exists. ifMissing and ifPresent fold the exists conditions.
	values    []matcher
	ifMissing bool
	ifPresent bool
}

// Compile parses a JSON event pattern. Errors name the path of the offending
// field, as in
//
//	pattern: data.userProperties.tenant: unknown operator "regex"
func Compile(src []byte) (*Pattern, error) {
	root, err := decode(src)
	if err != nil {
		return nil, err
	}
	var leaves []*leaf
	if err := compileObject(nil, root, &leaves); err != nil {
		return nil, err
	}
	return &Pattern{leaves: leaves, src: canonical(leaves)}, nil
}

// MustCompile is like Compile but panics if the pattern cannot be compiled.
// It simplifies the initialisation of package-level variables.
func MustCompile(src string) *Pattern {
	p, err := Compile([]byte(src))
	if err != nil {
		panic(err)
	}
	return p
}

// Match reports whether the event d matches the pattern.
func (p *Pattern) Match(d Doc) bool {
	for _, l := range p.leaves {
		v, found := d.Lookup(l.path)
		if !l.test(v, found) {
			return false
		}
	}
	return true
}

// Explain returns "" when d matches the pattern. Otherwise it describes the
// first condition that fails, naming its path, for example
//
//	data.systemProperties.TAGS: "paid" is not one of ["created","updated"]
func (p *Pattern) Explain(d Doc) string {
	for _, l := range p.leaves {
		v, found := d.Lookup(l.path)
		if !l.test(v, found) {
			return l.explain(v, found)
		}
	}
	return ""
}

// String returns the canonical JSON form of the pattern: object keys sorted,
// numbers in their shortest form, CIDR prefixes masked. Compiling it yields
// an equivalent pattern with the same String.
func (p *Pattern) String() string {
	return p.src
}

// Paths returns the paths of the event fields the pattern reads, in
// canonical order. The result is a copy the caller may modify.
func (p *Pattern) Paths() [][]string {
	paths := make([][]string, len(p.leaves))
	for i, l := range p.leaves {
		paths[i] = slices.Clone(l.path)
	}
	return paths
}

// test reports whether the leaf accepts the looked-up value.
func (l *leaf) test(v any, found bool) bool {
	if !found {
		return l.ifMissing
	}
	if l.ifPresent {
		return true
	}
	for _, m := range l.values {
		if matchAny(m, v) {
			return true
		}
	}
	return false
}

// matchAny reports whether m matches v or, when v is an array, any of its
// elements. Nested arrays are searched too.
func matchAny(m matcher, v any) bool {
	a, ok := v.([]any)
	if !ok {
		return m.match(v)
	}
	for _, e := range a {
		if matchAny(m, e) {
			return true
		}
	}
	return false
}
