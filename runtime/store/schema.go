package store

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// column is one field of a row type mapped to a Tablestore column.
type column struct {
	name      string
	index     []int // reflect field index
	kind      colKind
	pk        bool
	autoInc   bool
	omitEmpty bool
}

// colKind is the Tablestore type a field maps to.
type colKind int

const (
	kindInteger colKind = iota
	kindString
	kindBinary
	kindBoolean
	kindDouble
)

func (k colKind) String() string {
	return [...]string{"INTEGER", "STRING", "BINARY", "BOOLEAN", "DOUBLE"}[k]
}

// schema is how a row type maps to a table: its primary-key columns in
// order, then its attribute columns.
type schema struct {
	typ   reflect.Type
	pk    []column
	attrs []column
	names []string // attribute column names, for columns_to_get
}

// schemaOf reads the `tablestore` tags of struct type T:
//
//	ID    string `tablestore:"id,pk"`          // primary-key column, in field order
//	Seq   int64  `tablestore:"seq,pk,autoincrement"`
//	Name  string `tablestore:"Name"`           // attribute column
//	Note  string `tablestore:"Note,omitempty"` // zero value: column removed
//	Skip  int    `tablestore:"-"`
//
// Untagged exported fields map to columns of their field name.
func schemaOf(t reflect.Type) (*schema, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("tablestore: row type %s is not a struct", t)
	}
	s := &schema{typ: t}
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
		if seen[c.name] {
			return nil, fmt.Errorf("tablestore: %s: two fields map to column %q", t.Name(), c.name)
		}
		seen[c.name] = true
		if c.pk {
			s.pk = append(s.pk, c)
		} else {
			s.attrs = append(s.attrs, c)
			s.names = append(s.names, c.name)
		}
	}
	if len(s.pk) == 0 || len(s.pk) > 4 {
		return nil, fmt.Errorf("tablestore: %s has %d primary-key fields, want 1 to 4 (tag them `tablestore:\"name,pk\"`)", t.Name(), len(s.pk))
	}
	if s.pk[0].autoInc {
		return nil, fmt.Errorf("tablestore: %s: the first primary-key column %q cannot be AUTO_INCREMENT", t.Name(), s.pk[0].name)
	}
	return s, nil
}

func columnOf(f reflect.StructField) (column, bool, error) {
	tag, tagged := f.Tag.Lookup("tablestore")
	if tag == "-" || !f.IsExported() {
		return column{}, false, nil
	}
	parts := strings.Split(tag, ",")
	c := column{name: parts[0], index: f.Index}
	if !tagged || c.name == "" {
		c.name = f.Name
	}
	if strings.HasPrefix(c.name, markerPrefix) {
		return column{}, false, fmt.Errorf("column names starting with %q are reserved", markerPrefix)
	}
	for _, opt := range parts[1:] {
		switch opt {
		case "pk":
			c.pk = true
		case "autoincrement":
			c.autoInc = true
		case "omitempty":
			c.omitEmpty = true
		default:
			return column{}, false, fmt.Errorf("unknown tag option %q", opt)
		}
	}
	kind, ok := kindOf(f.Type)
	switch {
	case !ok:
		return column{}, false, fmt.Errorf("type %s has no Tablestore column type (use int64, string, []byte, bool or float64)", f.Type)
	case c.pk && kind != kindInteger && kind != kindString && kind != kindBinary:
		return column{}, false, fmt.Errorf("primary-key column %q is %s; keys are INTEGER, STRING or BINARY", c.name, kind)
	case c.autoInc && (!c.pk || kind != kindInteger):
		return column{}, false, fmt.Errorf("autoincrement column %q must be an integer primary-key column", c.name)
	}
	c.kind = kind
	return c, true, nil
}

func kindOf(t reflect.Type) (colKind, bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return kindInteger, true
	case reflect.String:
		return kindString, true
	case reflect.Bool:
		return kindBoolean, true
	case reflect.Float32, reflect.Float64:
		return kindDouble, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return kindBinary, true
		}
	}
	return 0, false
}

// value is the SDK value of field c of v: int64, string, []byte, bool or
// float64.
func (c *column) value(v reflect.Value) any {
	f := v.FieldByIndex(c.index)
	switch c.kind {
	case kindInteger:
		if f.CanInt() {
			return f.Int()
		}
		return int64(f.Uint())
	case kindString:
		return f.String()
	case kindBinary:
		return f.Bytes()
	case kindBoolean:
		return f.Bool()
	}
	return f.Float()
}

// set stores the SDK value x in field c of v.
func (c *column) set(v reflect.Value, x any) error {
	f := v.FieldByIndex(c.index)
	switch x := x.(type) {
	case int64:
		if c.kind == kindInteger {
			if f.CanInt() {
				if f.OverflowInt(x) {
					return fmt.Errorf("column %q: %d overflows %s", c.name, x, f.Type())
				}
				f.SetInt(x)
			} else {
				if x < 0 || f.OverflowUint(uint64(x)) {
					return fmt.Errorf("column %q: %d overflows %s", c.name, x, f.Type())
				}
				f.SetUint(uint64(x))
			}
			return nil
		}
	case string:
		if c.kind == kindString {
			f.SetString(x)
			return nil
		}
	case []byte:
		if c.kind == kindBinary {
			f.SetBytes(x)
			return nil
		}
	case bool:
		if c.kind == kindBoolean {
			f.SetBool(x)
			return nil
		}
	case float64:
		if c.kind == kindDouble {
			f.SetFloat(x)
			return nil
		}
	}
	return fmt.Errorf("column %q holds %T, field %s is %s", c.name, x, f.Type(), c.kind)
}

// primaryKey is the SDK primary key of row v. An autoincrement column
// whose value is zero becomes the AUTO_INCREMENT placeholder when
// placeholder is set.
func (s *schema) primaryKey(v reflect.Value, placeholder bool) *tablestore.PrimaryKey {
	pk := new(tablestore.PrimaryKey)
	for i := range s.pk {
		c := &s.pk[i]
		x := c.value(v)
		if c.autoInc && placeholder && x == int64(0) {
			pk.AddPrimaryKeyColumnWithAutoIncrement(c.name)
			continue
		}
		pk.AddPrimaryKeyColumn(c.name, x)
	}
	return pk
}

// attr returns the attribute column named name, if the type has one.
func (s *schema) attr(name string) (*column, bool) {
	for i := range s.attrs {
		if s.attrs[i].name == name {
			return &s.attrs[i], true
		}
	}
	return nil, false
}

// column returns the primary-key or attribute column named name.
func (s *schema) column(name string) (*column, bool) {
	for i := range s.pk {
		if s.pk[i].name == name {
			return &s.pk[i], true
		}
	}
	return s.attr(name)
}

// lookup returns the column named name, else the column of the Go field
// named name.
func (s *schema) lookup(name string) (*column, bool) {
	if c, ok := s.column(name); ok {
		return c, true
	}
	for _, cols := range [][]column{s.pk, s.attrs} {
		for i := range cols {
			if s.typ.FieldByIndex(cols[i].index).Name == name {
				return &cols[i], true
			}
		}
	}
	return nil, false
}
