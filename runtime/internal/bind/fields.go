package bind

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// A fieldSpec is a struct field as encoding/json sees it: its JSON name and
// its index path through embedded structs.
type fieldSpec struct {
	name   string
	tagged bool // the name came from a json tag
	index  []int
	quoted bool // the ",string" option applies
}

// typeFields lists the fields encoding/json decodes for struct type t,
// applying its rules for tags, unexported and embedded fields, and Go's
// dominance rules for promoted names. The result is in index order.
func typeFields(t reflect.Type) []fieldSpec {
	var fields []fieldSpec
	current, next := []fieldSpec{}, []fieldSpec{{index: nil}}
	nextTypes := []reflect.Type{t}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		types := nextTypes
		current, next = next, current[:0]
		nextTypes = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for i, f := range current {
			ft := types[i]
			if visited[ft] {
				continue
			}
			visited[ft] = true
			for j := 0; j < ft.NumField(); j++ {
				spec, embed, ok := fieldOf(ft.Field(j), f.index, j)
				switch {
				case !ok:
				case embed != nil:
					nextCount[embed]++
					if nextCount[embed] == 1 {
						next = append(next, spec)
						nextTypes = append(nextTypes, embed)
					}
				default:
					fields = append(fields, spec)
					if count[ft] > 1 {
						// A second copy makes the dominance pass drop the name.
						fields = append(fields, spec)
					}
				}
			}
		}
	}
	return dominantFields(fields)
}

// fieldOf interprets one struct field. It returns ok false for fields that
// are ignored, and a non-nil embed type for embedded structs to explore.
func fieldOf(sf reflect.StructField, parent []int, i int) (spec fieldSpec, embed reflect.Type, ok bool) {
	if sf.Anonymous {
		t := sf.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if !sf.IsExported() && t.Kind() != reflect.Struct {
			return spec, nil, false
		}
	} else if !sf.IsExported() {
		return spec, nil, false
	}
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return spec, nil, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if !isValidTag(name) {
		name = ""
	}
	spec.index = append(slices.Clip(parent), i)
	ft := sf.Type
	if ft.Name() == "" && ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
		return spec, ft, true
	}
	spec.tagged = name != ""
	spec.name = name
	if name == "" {
		spec.name = sf.Name
	}
	spec.quoted = hasOption(opts, "string") && quotable(ft.Kind())
	return spec, nil, true
}

// quotable reports whether the ",string" option applies to a kind.
func quotable(k reflect.Kind) bool {
	switch k {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.String:
		return true
	}
	return false
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// isValidTag reports whether a json tag name is usable, as encoding/json does.
func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// dominantFields keeps, for each name, the field Go's embedding rules (as
// modified by json tags) select, dropping ambiguous names, and returns the
// survivors in index order.
func dominantFields(fields []fieldSpec) []fieldSpec {
	slices.SortFunc(fields, func(a, b fieldSpec) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		n := 1
		for i+n < len(fields) && fields[i+n].name == fields[i].name {
			n++
		}
		group := fields[i : i+n]
		if n == 1 || len(group[0].index) != len(group[1].index) || group[0].tagged != group[1].tagged {
			out = append(out, group[0])
		}
		i += n
	}
	slices.SortFunc(out, func(a, b fieldSpec) int { return slices.Compare(a.index, b.index) })
	return out
}
