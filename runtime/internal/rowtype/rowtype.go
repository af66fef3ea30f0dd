package rowtype

import (
	"fmt"
	"reflect"
	"strings"
)

// ReservedPrefix starts the names of the columns package store keeps in
// rows for its own bookkeeping; no field may map to such a column.
const ReservedPrefix = "_rfn_"

// Column is one field of a row type mapped to a Tablestore column.
type Column struct {
	Name      string // the column's name
	Index     []int  // the field's index, for reflect.Value.FieldByIndex
	Kind      Kind   // the column's Tablestore type
	PK        bool   // a primary-key column (option pk)
	AutoInc   bool   // an AUTO_INCREMENT primary-key column (option autoincrement)
	OmitEmpty bool   // a zero value removes the column (option omitempty)
}

// Kind is the Tablestore type a field maps to.
type Kind int

// The Tablestore column types.
const (
	Integer Kind = iota // int64 and smaller integers
	String              // string
	Binary              // []byte
	Boolean             // bool
	Double              // float64, float32
)

// String is the type's name as Tablestore spells it: INTEGER, STRING, ...
func (k Kind) String() string {
	return [...]string{"INTEGER", "STRING", "BINARY", "BOOLEAN", "DOUBLE"}[k]
}

// Schema is how a row type maps to a table: its primary-key columns in
// order, then its attribute columns.
type Schema struct {
	Type  reflect.Type // the struct type
	PK    []Column     // primary-key columns, in field order
	Attrs []Column     // attribute columns, in field order
	Names []string     // attribute column names, for columns_to_get
}

// Of reads the `tablestore` tags of struct type t:
//
//	ID    string `tablestore:"id,pk"`          // primary-key column, in field order
//	Seq   int64  `tablestore:"seq,pk,autoincrement"`
//	Name  string `tablestore:"Name"`           // attribute column
//	Note  string `tablestore:"Note,omitempty"` // zero value: column removed
//	Skip  int    `tablestore:"-"`
//
// Untagged exported fields map to columns of their field name.
func Of(t reflect.Type) (*Schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("tablestore: row type %s is not a struct", t)
	}
	s := &Schema{Type: t}
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		c, ok, err := columnOf(f)
		if err != nil {
			return nil, fmt.Errorf("tablestore: %s.%s: %w", t.Name(), f.Name, err)
		}
		if !ok {
			continue
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("tablestore: %s: two fields map to column %q", t.Name(), c.Name)
		}
		seen[c.Name] = true
		if c.PK {
			s.PK = append(s.PK, c)
		} else {
			s.Attrs = append(s.Attrs, c)
			s.Names = append(s.Names, c.Name)
		}
	}
	if len(s.PK) == 0 || len(s.PK) > 4 {
		return nil, fmt.Errorf("tablestore: %s has %d primary-key fields, want 1 to 4 (tag them `tablestore:\"name,pk\"`)", t.Name(), len(s.PK))
	}
	if s.PK[0].AutoInc {
		return nil, fmt.Errorf("tablestore: %s: the first primary-key column %q cannot be AUTO_INCREMENT", t.Name(), s.PK[0].Name)
	}
	return s, nil
}

func columnOf(f reflect.StructField) (Column, bool, error) {
	tag, tagged := f.Tag.Lookup("tablestore")
	if tag == "-" || !f.IsExported() {
		return Column{}, false, nil
	}
	parts := strings.Split(tag, ",")
	c := Column{Name: parts[0], Index: f.Index}
	if !tagged || c.Name == "" {
		c.Name = f.Name
	}
	if strings.HasPrefix(c.Name, ReservedPrefix) {
		return Column{}, false, fmt.Errorf("column names starting with %q are reserved", ReservedPrefix)
	}
	for _, opt := range parts[1:] {
		switch opt {
		case "pk":
			c.PK = true
		case "autoincrement":
			c.AutoInc = true
		case "omitempty":
			c.OmitEmpty = true
		default:
			return Column{}, false, fmt.Errorf("unknown tag option %q", opt)
		}
	}
	kind, ok := KindOf(f.Type)
	switch {
	case !ok:
		return Column{}, false, fmt.Errorf("type %s has no Tablestore column type (use int64, string, []byte, bool or float64)", f.Type)
	case c.PK && kind != Integer && kind != String && kind != Binary:
		return Column{}, false, fmt.Errorf("primary-key column %q is %s; keys are INTEGER, STRING or BINARY", c.Name, kind)
	case c.AutoInc && (!c.PK || kind != Integer):
		return Column{}, false, fmt.Errorf("autoincrement column %q must be an integer primary-key column", c.Name)
	}
	c.Kind = kind
	return c, true, nil
}

// KindOf returns the Tablestore type of values of Go type t, and false
// for a type that has none.
func KindOf(t reflect.Type) (Kind, bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return Integer, true
	case reflect.String:
		return String, true
	case reflect.Bool:
		return Boolean, true
	case reflect.Float32, reflect.Float64:
		return Double, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return Binary, true
		}
	}
	return 0, false
}

// Value is the SDK value of field c of v: int64, string, []byte, bool or
// float64.
func (c *Column) Value(v reflect.Value) any {
	f := v.FieldByIndex(c.Index)
	switch c.Kind {
	case Integer:
		if f.CanInt() {
			return f.Int()
		}
		return int64(f.Uint())
	case String:
		return f.String()
	case Binary:
		return f.Bytes()
	case Boolean:
		return f.Bool()
	}
	return f.Float()
}

// Set stores the SDK value x (int64, string, []byte, bool or float64) in
// field c of v, or returns an error naming the column when x does not fit
// the field: another type, or an integer the field cannot hold.
func (c *Column) Set(v reflect.Value, x any) error {
	f := v.FieldByIndex(c.Index)
	switch x := x.(type) {
	case int64:
		if c.Kind == Integer {
			if f.CanInt() {
				if f.OverflowInt(x) {
					return fmt.Errorf("column %q: %d overflows %s", c.Name, x, f.Type())
				}
				f.SetInt(x)
			} else {
				if x < 0 || f.OverflowUint(uint64(x)) {
					return fmt.Errorf("column %q: %d overflows %s", c.Name, x, f.Type())
				}
				f.SetUint(uint64(x))
			}
			return nil
		}
	case string:
		if c.Kind == String {
			f.SetString(x)
			return nil
		}
	case []byte:
		if c.Kind == Binary {
			f.SetBytes(x)
			return nil
		}
	case bool:
		if c.Kind == Boolean {
			f.SetBool(x)
			return nil
		}
	case float64:
		if c.Kind == Double {
			f.SetFloat(x)
			return nil
		}
	}
	return fmt.Errorf("column %q holds %T, field %s is %s", c.Name, x, f.Type(), c.Kind)
}

// Attr returns the attribute column named name, if the type has one.
func (s *Schema) Attr(name string) (*Column, bool) {
	if i := s.AttrIndex(name); i >= 0 {
		return &s.Attrs[i], true
	}
	return nil, false
}

// AttrIndex returns the position in Attrs of the attribute column named
// name, -1 when the type has none.
func (s *Schema) AttrIndex(name string) int {
	for i := range s.Attrs {
		if s.Attrs[i].Name == name {
			return i
		}
	}
	return -1
}

// Column returns the primary-key or attribute column named name.
func (s *Schema) Column(name string) (*Column, bool) {
	for i := range s.PK {
		if s.PK[i].Name == name {
			return &s.PK[i], true
		}
	}
	return s.Attr(name)
}

// Lookup returns the column named name, else the column of the Go field
// named name.
func (s *Schema) Lookup(name string) (*Column, bool) {
	if c, ok := s.Column(name); ok {
		return c, true
	}
	for _, cols := range [][]Column{s.PK, s.Attrs} {
		for i := range cols {
			if s.Type.FieldByIndex(cols[i].Index).Name == name {
				return &cols[i], true
			}
		}
	}
	return nil, false
}
