package rowchange_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/rocketfn/rocketfn/runtime/rowchange"
)

func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/sync-v1.cbor")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDocumentedSample decodes the documented sample event, in the bytes
// the trigger sends, and checks every value against the sample's JSON.
func TestDocumentedSample(t *testing.T) {
	b, err := rowchange.Decode(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Failed) != 0 || len(b.Changes) != 1 || b.Len() != 1 || b.Err() != nil {
		t.Fatalf("batch = %+v, want one change", b)
	}
	var doc struct {
		Records []struct {
			Type       string
			Info       struct{ Timestamp int64 }
			PrimaryKey []struct {
				ColumnName string
				Value      any
			}
			Columns []struct {
				Type, ColumnName string
				Value            any
				Timestamp        int64
			}
		}
	}
	js, err := os.ReadFile("testdata/sync-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	num := func(v any) any {
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				t.Fatal(err)
			}
			return i
		}
		return v
	}
	r := doc.Records[0]
	c := b.Changes[0]
	if c.Type != rowchange.PutRow || c.Type.String() != r.Type || c.Index != 0 {
		t.Errorf("type %v, index %d", c.Type, c.Index)
	}
	if c.Timestamp != r.Info.Timestamp || c.Timestamp != 1506416585740836 {
		t.Errorf("timestamp %d, want %d", c.Timestamp, r.Info.Timestamp)
	}
	if want := time.Date(2017, 9, 26, 9, 3, 5, 740836000, time.UTC); !c.Time().Equal(want) {
		t.Errorf("time %v, want %v", c.Time().UTC(), want)
	}
	var wantPK []rowchange.Cell
	for _, k := range r.PrimaryKey {
		wantPK = append(wantPK, rowchange.Cell{Name: k.ColumnName, Value: num(k.Value)})
	}
	if !reflect.DeepEqual(c.PrimaryKey, wantPK) {
		t.Errorf("primary key %#v, want %#v", c.PrimaryKey, wantPK)
	}
	var wantCols []rowchange.Column
	for _, col := range r.Columns {
		wantCols = append(wantCols, rowchange.Column{Op: rowchange.Put, Name: col.ColumnName, Value: num(col.Value), Timestamp: col.Timestamp})
	}
	if !reflect.DeepEqual(c.Columns, wantCols) {
		t.Errorf("columns %#v, want %#v", c.Columns, wantCols)
	}
	if c.Columns[0].Time() != time.UnixMilli(1506416585741) {
		t.Errorf("column time %v", c.Columns[0].Time())
	}
	if want := `pk_0=1506416585881590900,pk_1="2017-09-26 17:03:05.8815909 +0800 CST",pk_2=1506416585741000`; c.RowKey() != want {
		t.Errorf("RowKey %s, want %s", c.RowKey(), want)
	}
	if len(c.ID) != 32 {
		t.Errorf("ID %q, want 32 hex digits", c.ID)
	}
	again, err := rowchange.DecodeRecord(c.Record)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, c) {
		t.Errorf("DecodeRecord(Record) = %+v, want %+v", again, c)
	}
	if v, ok := c.Key("pk_1"); !ok || v != "2017-09-26 17:03:05.8815909 +0800 CST" {
		t.Errorf("Key(pk_1) = %v, %v", v, ok)
	}
	if col, ok := c.Column("attr_0"); !ok || col.Value != "hello_table_store" {
		t.Errorf("Column(attr_0) = %+v, %v", col, ok)
	}
	if _, ok := c.Column("nope"); ok {
		t.Error("Column(nope) found")
	}
}

func enc(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type m = map[string]any

func put(name string, v any) m {
	return m{"Type": "Put", "ColumnName": name, "Value": v, "Timestamp": int64(1000)}
}

func rec(typ string, pk []any, cols ...any) m {
	return m{"Type": typ, "Info": m{"Timestamp": int64(5)}, "PrimaryKey": pk, "Columns": cols}
}

func pk(name string, v any) []any { return []any{m{"ColumnName": name, "Value": v}} }

func payload(recs ...any) m { return m{"Version": "Sync-v1", "Records": recs} }

// TestPayloadErrors: what is wrong with a payload as a whole fails it,
// with an *Error that names it.
func TestPayloadErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		payload []byte
		want    string
	}{
		{"empty", nil, "rowchange: not CBOR the trigger sends: EOF"},
		{"JSON", []byte(`{"Version":"Sync-v1"}`), "rowchange: not CBOR the trigger sends"},
		{"truncated", fixture(t)[:100], "rowchange: not CBOR the trigger sends: unexpected EOF"},
		{"trailing bytes", append(fixture(t), 0x00), "rowchange: not CBOR the trigger sends: cbor: 1 bytes of extraneous data"},
		{"array", enc(t, []any{1}), "rowchange: the payload is an array, want a map"},
		{"no version", enc(t, m{"Records": []any{}}), "rowchange: Version: missing"},
		{"version number", enc(t, m{"Version": 1, "Records": []any{}}), "rowchange: Version: an integer, want text"},
		{"other version", enc(t, m{"Version": "Sync-v2", "Records": []any{}}), `rowchange: Version: "Sync-v2", want "Sync-v1"`},
		{"no records", enc(t, m{"Version": "Sync-v1"}), "rowchange: Records: missing"},
		{"records map", enc(t, m{"Version": "Sync-v1", "Records": m{}}), "rowchange: Records: a map, want an array"},
		{"uint64 beyond int64", enc(t, payload(rec("PutRow", pk("id", uint64(math.MaxUint64))))), "rowchange: not CBOR the trigger sends: cbor: cannot unmarshal positive integer"},
		{"duplicate key", []byte("\xa3gVersiongSync-v1gRecords\x80gVersiongSync-v1"), "rowchange: not CBOR the trigger sends: cbor: found duplicate map key"},
		{"integer map key", []byte("\xa1\x01\x02"), "rowchange: not CBOR the trigger sends"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := rowchange.Decode(c.payload)
			var e *rowchange.Error
			if !errors.As(err, &e) || e.Record != -1 || b != nil {
				t.Fatalf("Decode = %v, %v; want an *Error of the payload", b, err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want it to start with %q", err, c.want)
			}
			if !errors.Is(err, rowchange.ErrMalformed) {
				t.Errorf("%v is not ErrMalformed", err)
			}
		})
	}
}

// TestRecordErrors: a malformed record fails alone, with its position and
// the path of what is wrong; the records around it decode.
func TestRecordErrors(t *testing.T) {
	good := rec("PutRow", pk("id", "a"), put("n", int64(1)))
	for _, c := range []struct {
		name   string
		record any
		want   string
	}{
		{"not a map", "PutRow", "rowchange: record 1: the record is text, want a map"},
		{"unknown type", rec("MergeRow", pk("id", "a")), `rowchange: record 1: Type: unknown record type "MergeRow" (want PutRow, UpdateRow or DeleteRow)`},
		{"no type", m{"Info": m{"Timestamp": int64(1)}, "PrimaryKey": pk("id", "a")}, "rowchange: record 1: Type: missing"},
		{"type number", m{"Type": 1}, "rowchange: record 1: Type: an integer, want text"},
		{"no info", m{"Type": "PutRow", "PrimaryKey": pk("id", "a")}, "rowchange: record 1: Info: missing"},
		{"no timestamp", m{"Type": "PutRow", "Info": m{}, "PrimaryKey": pk("id", "a")}, "rowchange: record 1: Info.Timestamp: missing"},
		{"float timestamp", m{"Type": "PutRow", "Info": m{"Timestamp": 1.5}, "PrimaryKey": pk("id", "a")}, "rowchange: record 1: Info.Timestamp: a float, want an integer"},
		{"no primary key", m{"Type": "PutRow", "Info": m{"Timestamp": int64(1)}}, "rowchange: record 1: PrimaryKey: missing"},
		{"empty primary key", rec("PutRow", []any{}), "rowchange: record 1: PrimaryKey: empty"},
		{"key not a map", rec("PutRow", []any{"id"}), "rowchange: record 1: PrimaryKey[0]: text, want a map"},
		{"key without name", rec("PutRow", []any{m{"Value": "a"}}), "rowchange: record 1: PrimaryKey[0].ColumnName: missing"},
		{"key empty name", rec("PutRow", []any{m{"ColumnName": "", "Value": "a"}}), "rowchange: record 1: PrimaryKey[0].ColumnName: empty"},
		{"key without value", rec("PutRow", []any{m{"ColumnName": "id"}}), "rowchange: record 1: PrimaryKey[0].Value: missing"},
		{"key float", rec("PutRow", pk("id", 1.5)), "rowchange: record 1: PrimaryKey[0].Value: a float, want an integer, text or bytes"},
		{"columns map", m{"Type": "PutRow", "Info": m{"Timestamp": int64(1)}, "PrimaryKey": pk("id", "a"), "Columns": m{}}, "rowchange: record 1: Columns: a map, want an array"},
		{"column not a map", rec("PutRow", pk("id", "a"), int64(3)), "rowchange: record 1: Columns[0]: an integer, want a map"},
		{"unknown column type", rec("UpdateRow", pk("id", "a"), put("n", int64(1)), m{"Type": "Increment", "ColumnName": "n"}), `rowchange: record 1: Columns[1].Type: unknown column type "Increment" (want Put, DeleteOneVersion or DeleteAllVersions)`},
		{"column without name", rec("UpdateRow", pk("id", "a"), m{"Type": "DeleteAllVersions"}), "rowchange: record 1: Columns[0].ColumnName: missing"},
		{"put without value", rec("PutRow", pk("id", "a"), m{"Type": "Put", "ColumnName": "n"}), "rowchange: record 1: Columns[0].Value: missing: a Put has a value"},
		{"put null", rec("PutRow", pk("id", "a"), put("n", nil)), "rowchange: record 1: Columns[0].Value: null, want an integer, float, boolean, text or bytes"},
		{"put array", rec("PutRow", pk("id", "a"), put("n", []any{1})), "rowchange: record 1: Columns[0].Value: an array, want"},
		{"put tag", rec("PutRow", pk("id", "a"), put("n", cbor.Tag{Number: 1000, Content: "x"})), "rowchange: record 1: Columns[0].Value: tag 1000, want"},
		{"put time", rec("PutRow", pk("id", "a"), put("n", cbor.Tag{Number: 1, Content: int64(1)})), "rowchange: record 1: Columns[0].Value: a time (tag 0 or 1), want"},
		{"text timestamp", rec("PutRow", pk("id", "a"), m{"Type": "Put", "ColumnName": "n", "Value": int64(1), "Timestamp": "now"}), "rowchange: record 1: Columns[0].Timestamp: text, want an integer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := rowchange.Decode(enc(t, payload(good, c.record, good)))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Changes) != 2 || b.Changes[0].Index != 0 || b.Changes[1].Index != 2 || len(b.Failed) != 1 || b.Len() != 3 {
				t.Fatalf("batch = %+v, want records 0 and 2 decoded and 1 failed", b)
			}
			if e := b.Failed[0]; e.Record != 1 || !strings.HasPrefix(e.Error(), c.want) {
				t.Errorf("error %q (record %d), want it to start with %q", e, e.Record, c.want)
			}
			if err := b.Err(); !errors.Is(err, rowchange.ErrMalformed) || !strings.Contains(err.Error(), "record 1") {
				t.Errorf("Err() = %v", err)
			}
			if _, err := rowchange.DecodeRecord(enc(t, c.record)); err == nil || strings.Contains(err.Error(), "record 1") {
				t.Errorf("DecodeRecord = %v, want the error without a record position", err)
			}
		})
	}
}

// TestValues: each Tablestore type comes out as its Go type, whatever
// width of CBOR number carries it; deletes carry no value.
func TestValues(t *testing.T) {
	p := []byte("\xa2gVersiongSync-v1gRecords\x81\xa4dTypeiUpdateRowdInfo\xa1iTimestamp\x05jPrimaryKey\x81\xa2jColumnNamebideValue\x41\xff" +
		"gColumns\x87" +
		"\xa3dTypecPutjColumnNameaieValue\x20" + // -1
		"\xa3dTypecPutjColumnNameafeValue\xfa\x3f\xc0\x00\x00" + // float32 1.5
		"\xa3dTypecPutjColumnNameaheValue\xf9\x3c\x00" + // float16 1
		"\xa3dTypecPutjColumnNameabeValue\xf5" +
		"\xa3dTypecPutjColumnNameaseValue\x7f\x61\x61\x61\x62\xff" + // indefinite text "ab"
		"\xa3dTypepDeleteOneVersionjColumnNameaoiTimestamp\x19\x03\xe8" +
		"\xa3dTypeqDeleteAllVersionsjColumnNameaaeValue\x01")
	b, err := rowchange.Decode(p)
	if err != nil || len(b.Failed) != 0 {
		t.Fatalf("%v %+v", err, b)
	}
	c := b.Changes[0]
	if c.Type != rowchange.UpdateRow || !reflect.DeepEqual(c.PrimaryKey, []rowchange.Cell{{"id", []byte{0xff}}}) {
		t.Errorf("%v %#v", c.Type, c.PrimaryKey)
	}
	want := []rowchange.Column{
		{Op: rowchange.Put, Name: "i", Value: int64(-1)},
		{Op: rowchange.Put, Name: "f", Value: 1.5},
		{Op: rowchange.Put, Name: "h", Value: 1.0},
		{Op: rowchange.Put, Name: "b", Value: true},
		{Op: rowchange.Put, Name: "s", Value: "ab"},
		{Op: rowchange.DeleteOneVersion, Name: "o", Timestamp: 1000},
		{Op: rowchange.DeleteAllVersions, Name: "a"},
	}
	if !reflect.DeepEqual(c.Columns, want) {
		t.Errorf("columns\n%#v\nwant\n%#v", c.Columns, want)
	}
	if !c.Columns[6].Time().IsZero() {
		t.Error("a column without a timestamp has a time")
	}
	// A payload behind the self-described CBOR tag decodes the same.
	tagged, err := rowchange.Decode(append([]byte{0xd9, 0xd9, 0xf7}, p...))
	if err != nil || !reflect.DeepEqual(tagged, b) {
		t.Errorf("tagged payload: %v, %+v", err, tagged)
	}
	if s := rowchange.Type(9).String() + rowchange.Op(0).String(); s != "Type(9)Op(0)" {
		t.Error(s)
	}
}

// TestIDs: a record has the same ID however its map is ordered or its
// numbers are sized, and records that differ have different IDs.
func TestIDs(t *testing.T) {
	a := []byte("\xa2gVersiongSync-v1gRecords\x82" +
		"\xa3dTypeiDeleteRowdInfo\xa1iTimestamp\x05jPrimaryKey\x81\xa2jColumnNamebideValue\x01" +
		"\xa3dInfo\xa1iTimestamp\x1b\x00\x00\x00\x00\x00\x00\x00\x05jPrimaryKey\x81\xa2eValue\x01jColumnNamebiddTypeiDeleteRow")
	b, err := rowchange.Decode(a)
	if err != nil || len(b.Changes) != 2 {
		t.Fatal(err, b)
	}
	if b.Changes[0].ID != b.Changes[1].ID || !bytes.Equal(b.Changes[0].Record, b.Changes[1].Record) {
		t.Errorf("the same record encoded two ways has IDs %s and %s", b.Changes[0].ID, b.Changes[1].ID)
	}
	seen := map[string]bool{}
	for _, r := range []any{
		rec("PutRow", pk("id", "a")),
		rec("UpdateRow", pk("id", "a")),
		rec("PutRow", pk("id", "b")),
		rec("PutRow", pk("id", "a"), put("n", int64(1))),
		rec("PutRow", pk("id", "a"), put("n", int64(2))),
		m{"Type": "PutRow", "Info": m{"Timestamp": int64(6)}, "PrimaryKey": pk("id", "a")},
	} {
		b, err := rowchange.Decode(enc(t, payload(r)))
		if err != nil || len(b.Changes) != 1 {
			t.Fatal(err, b)
		}
		if id := b.Changes[0].ID; seen[id] {
			t.Errorf("record %v has the ID of another", r)
		} else {
			seen[id] = true
		}
	}
}

func TestIsPayload(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{fixture(t), true},
		{[]byte{0xa0}, true},
		{[]byte{0xbf, 0xff}, true},
		{[]byte{0xd9, 0xd9, 0xf7, 0xa0}, true},
		{nil, false},
		{[]byte(`{"data":{}}`), false},
		{[]byte(` {"data":{}}`), false},
		{[]byte(`[{"data":{}}]`), false},
		{[]byte(`"text"`), false},
		{[]byte("\xef\xbb\xbf{}"), false},
		{[]byte{0x82, 0x01, 0x02}, false}, // a CBOR array
		{[]byte{0xd9, 0xd9}, false},
	} {
		if got := rowchange.IsPayload(c.b); got != c.want {
			t.Errorf("IsPayload(%q) = %v, want %v", c.b, got, c.want)
		}
	}
}
