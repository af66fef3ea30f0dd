package rowchange

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// ErrMalformed is matched (with errors.Is) by every error of Decode and
// DecodeRecord: the payload or record is not one the trigger sends.
var ErrMalformed = errors.New("malformed Tablestore trigger payload")

// An Error reports what is wrong with a payload or one of its records.
type Error struct {
	// Record is the position of the record at fault in Records, or -1
	// when the error concerns the payload as a whole.
	Record int
	// Field is the member at fault, as a path from the record (or from
	// the payload when Record is -1): "Columns[1].Type", "Version"; ""
	// for the whole.
	Field string
	// Msg says what is wrong.
	Msg string
	// Err is the CBOR decoder's error, when the bytes are not CBOR the
	// decoder takes.
	Err error
}

func (e *Error) Error() string {
	s := "rowchange: "
	if e.Record >= 0 {
		s += "record " + strconv.Itoa(e.Record) + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Msg
}

// Unwrap returns the CBOR decoder's error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is makes every Error match ErrMalformed.
func (e *Error) Is(target error) bool { return target == ErrMalformed }

// A Batch is a decoded payload: the records of one invocation.
type Batch struct {
	// Changes are the records that decoded, in payload order; a
	// Change's Index is its position in the payload.
	Changes []Change
	// Failed are the records that did not decode, each an *Error whose
	// Record is its position. The others are not affected.
	Failed []*Error
}

// Len is the number of records in the payload: len(Changes)+len(Failed).
func (b *Batch) Len() int { return len(b.Changes) + len(b.Failed) }

// Err joins the errors of the records that did not decode, nil when every
// record decoded.
func (b *Batch) Err() error {
	if len(b.Failed) == 0 {
		return nil
	}
	errs := make([]error, len(b.Failed))
	for i, e := range b.Failed {
		errs[i] = e
	}
	return errors.Join(errs...)
}

var (
	// decMode decodes into generic values: maps keyed by text, integers
	// as int64 (one beyond int64 is an error, not a big.Int), byte
	// strings as []byte, floats as float64. A map with a key twice is an
	// error, not a choice of one.
	decMode = func() cbor.DecMode {
		m, err := cbor.DecOptions{
			IntDec:         cbor.IntDecConvertSignedOrFail,
			DupMapKey:      cbor.DupMapKeyEnforcedAPF,
			DefaultMapType: reflect.TypeFor[map[string]any](),
		}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	// detMode encodes a record canonically, for Change.Record and ID.
	detMode = func() cbor.EncMode {
		m, err := cbor.CoreDetEncOptions().EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// IsPayload reports whether b starts as a trigger payload does: with the
// header of a CBOR map (major type 5, initial byte 0xa0 to 0xbf), or with
// the self-described CBOR tag (0xd9 0xd9 0xf7). No JSON text starts so:
// those bytes are not valid UTF-8 at the start of a text, so this tells
// the trigger's payload from JSON by its first bytes alone.
func IsPayload(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if b[0]>>5 == 5 {
		return true
	}
	return len(b) >= 3 && b[0] == 0xd9 && b[1] == 0xd9 && b[2] == 0xf7
}

// Decode decodes the payload of a Tablestore trigger's invocation (see the
// package documentation). A payload that is not CBOR, not a map, of
// another Version or without Records is an *Error with Record -1; a
// record that is malformed (an unknown record or column type, a value of
// a type Tablestore has not, a member missing) is in the Batch's Failed,
// and the others decode.
func Decode(payload []byte) (*Batch, error) {
	var v any
	if err := decMode.Unmarshal(payload, &v); err != nil {
		return nil, &Error{Record: -1, Msg: "not CBOR the trigger sends: " + err.Error(), Err: err}
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Record: -1, Msg: "the payload is " + cborKind(v) + ", want a map"}
	}
	if err := checkVersion(top); err != nil {
		return nil, err
	}
	rv, ok := top["Records"]
	if !ok {
		return nil, &Error{Record: -1, Field: "Records", Msg: "missing"}
	}
	recs, ok := rv.([]any)
	if !ok {
		return nil, &Error{Record: -1, Field: "Records", Msg: cborKind(rv) + ", want an array"}
	}
	b := &Batch{Changes: make([]Change, 0, len(recs))}
	for i, r := range recs {
		c, err := record(r)
		if err != nil {
			err.Record = i
			b.Failed = append(b.Failed, err)
			continue
		}
		c.Index = i
		b.Changes = append(b.Changes, c)
	}
	return b, nil
}

func checkVersion(top map[string]any) *Error {
	v, ok := top["Version"]
	if !ok {
		return &Error{Record: -1, Field: "Version", Msg: "missing"}
	}
	s, ok := v.(string)
	switch {
	case !ok:
		return &Error{Record: -1, Field: "Version", Msg: cborKind(v) + ", want text"}
	case s != Version:
		return &Error{Record: -1, Field: "Version", Msg: fmt.Sprintf("%q, want %q", s, Version)}
	}
	return nil
}

// DecodeRecord decodes one record, as Change.Record holds it or as the
// payload's Records hold them. The Change's Index is 0. Its errors are
// *Error with Record -1.
func DecodeRecord(b []byte) (Change, error) {
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		return Change{}, &Error{Record: -1, Msg: "not CBOR the trigger sends: " + err.Error(), Err: err}
	}
	c, err := record(v)
	if err != nil {
		err.Record = -1
		return Change{}, err
	}
	return c, nil
}

// record decodes one record from its generic value. Its errors name the
// field; the caller sets Record.
func record(v any) (Change, *Error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Change{}, &Error{Msg: "the record is " + cborKind(v) + ", want a map"}
	}
	var c Change
	t, err := text(m, "Type", "")
	if err != nil {
		return Change{}, err
	}
	if c.Type = Type(lookup(typeNames[:], t)); c.Type == 0 {
		return Change{}, &Error{Field: "Type", Msg: fmt.Sprintf("unknown record type %q (want PutRow, UpdateRow or DeleteRow)", t)}
	}
	info, ok := m["Info"].(map[string]any)
	if !ok {
		return Change{}, wrongOrMissing(m, "Info", "", "a map")
	}
	if c.Timestamp, err = integer(info, "Timestamp", "Info."); err != nil {
		return Change{}, err
	}
	if c.PrimaryKey, err = primaryKey(m); err != nil {
		return Change{}, err
	}
	if c.Columns, err = columns(m); err != nil {
		return Change{}, err
	}
	enc, merr := detMode.Marshal(m)
	if merr != nil { // generic values the decoder made: cannot happen
		return Change{}, &Error{Msg: "encode the record: " + merr.Error(), Err: merr}
	}
	sum := sha256.Sum256(enc)
	c.ID, c.Record = hex.EncodeToString(sum[:16]), enc
	return c, nil
}

func primaryKey(m map[string]any) ([]Cell, *Error) {
	list, ok := m["PrimaryKey"].([]any)
	switch {
	case !ok:
		return nil, wrongOrMissing(m, "PrimaryKey", "", "an array")
	case len(list) == 0:
		return nil, &Error{Field: "PrimaryKey", Msg: "empty: a row has 1 to 4 primary-key columns"}
	}
	cells := make([]Cell, len(list))
	for i, e := range list {
		at := "PrimaryKey[" + strconv.Itoa(i) + "]"
		k, ok := e.(map[string]any)
		if !ok {
			return nil, &Error{Field: at, Msg: cborKind(e) + ", want a map"}
		}
		name, err := text(k, "ColumnName", at+".")
		if err != nil {
			return nil, err
		}
		val, ok := k["Value"]
		if !ok {
			return nil, &Error{Field: at + ".Value", Msg: "missing"}
		}
		switch val.(type) {
		case int64, string, []byte:
		default:
			return nil, &Error{Field: at + ".Value", Msg: cborKind(val) + ", want an integer, text or bytes (a primary-key column is INTEGER, STRING or BINARY)"}
		}
		cells[i] = Cell{Name: name, Value: val}
	}
	return cells, nil
}

func columns(m map[string]any) ([]Column, *Error) {
	v := m["Columns"]
	if v == nil { // missing or null: no columns
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &Error{Field: "Columns", Msg: cborKind(v) + ", want an array"}
	}
	cols := make([]Column, len(list))
	for i, e := range list {
		at := "Columns[" + strconv.Itoa(i) + "]"
		cm, ok := e.(map[string]any)
		if !ok {
			return nil, &Error{Field: at, Msg: cborKind(e) + ", want a map"}
		}
		c := &cols[i]
		t, err := text(cm, "Type", at+".")
		if err != nil {
			return nil, err
		}
		if c.Op = Op(lookup(opNames[:], t)); c.Op == 0 {
			return nil, &Error{Field: at + ".Type", Msg: fmt.Sprintf("unknown column type %q (want Put, DeleteOneVersion or DeleteAllVersions)", t)}
		}
		if c.Name, err = text(cm, "ColumnName", at+"."); err != nil {
			return nil, err
		}
		if _, ok := cm["Timestamp"]; ok {
			if c.Timestamp, err = integer(cm, "Timestamp", at+"."); err != nil {
				return nil, err
			}
		}
		if c.Op != Put {
			continue
		}
		val, ok := cm["Value"]
		if !ok {
			return nil, &Error{Field: at + ".Value", Msg: "missing: a Put has a value"}
		}
		switch val.(type) {
		case int64, float64, bool, string, []byte:
		default:
			return nil, &Error{Field: at + ".Value", Msg: cborKind(val) + ", want an integer, float, boolean, text or bytes"}
		}
		c.Value = val
	}
	return cols, nil
}

// lookup returns the position of name in names, 0 when it is not there
// (names[0] is "", no type's name).
func lookup(names []string, name string) int {
	for i, n := range names {
		if i > 0 && n == name {
			return i
		}
	}
	return 0
}

// text returns the non-empty text member name of m; at prefixes the name
// in errors.
func text(m map[string]any, name, at string) (string, *Error) {
	s, ok := m[name].(string)
	switch {
	case !ok:
		return "", wrongOrMissing(m, name, at, "text")
	case s == "":
		return "", &Error{Field: at + name, Msg: "empty"}
	}
	return s, nil
}

// integer returns the integer member name of m.
func integer(m map[string]any, name, at string) (int64, *Error) {
	n, ok := m[name].(int64)
	if !ok {
		return 0, wrongOrMissing(m, name, at, "an integer")
	}
	return n, nil
}

// wrongOrMissing is the error of member name of m, which is missing or
// not what was wanted.
func wrongOrMissing(m map[string]any, name, at, want string) *Error {
	v, ok := m[name]
	if !ok {
		return &Error{Field: at + name, Msg: "missing"}
	}
	return &Error{Field: at + name, Msg: cborKind(v) + ", want " + want}
}

// cborKind names the CBOR type a generic value was decoded from.
func cborKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case string:
		return "text"
	case []byte:
		return "bytes"
	case []any:
		return "an array"
	case map[string]any:
		return "a map"
	case big.Int, *big.Int:
		return "a bignum"
	case time.Time:
		return "a time (tag 0 or 1)"
	case cbor.Tag:
		return "tag " + strconv.FormatUint(v.Number, 10)
	case cbor.SimpleValue:
		return "simple value " + strconv.Itoa(int(v))
	}
	return fmt.Sprintf("a %T", v)
}
