package streamevent

import (
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/fxamacker/cbor/v2"
)

// Version is the payload version the trigger sends.
const Version = "Sync-v1"

// Record types and column types, as the payload names them.
const (
	PutRow    = "PutRow"
	UpdateRow = "UpdateRow"
	DeleteRow = "DeleteRow"

	Put               = "Put"
	DeleteOneVersion  = "DeleteOneVersion"
	DeleteAllVersions = "DeleteAllVersions"
)

// Payload is the event of one invocation: a batch of stream records.
type Payload struct {
	Version string   `cbor:"Version" json:"Version"`
	Records []Record `cbor:"Records" json:"Records"`
}

// Record is one changed row.
type Record struct {
	Type       string             `cbor:"Type" json:"Type"`
	Info       Info               `cbor:"Info" json:"Info"`
	PrimaryKey []PrimaryKeyColumn `cbor:"PrimaryKey" json:"PrimaryKey"`
	Columns    []Column           `cbor:"Columns" json:"Columns"`
}

// Info is a record's place in the stream: its time in microseconds.
type Info struct {
	Timestamp int64 `cbor:"Timestamp" json:"Timestamp"`
}

// PrimaryKeyColumn is one primary-key column: Value is an int64, a string
// or a []byte.
type PrimaryKeyColumn struct {
	ColumnName string `cbor:"ColumnName" json:"ColumnName"`
	Value      any    `cbor:"Value" json:"Value"`
}

// Column is one column change. Value (an int64, float64, bool, string or
// []byte) is set for a Put only; Timestamp, in milliseconds, for a Put and
// a DeleteOneVersion.
type Column struct {
	Type       string `cbor:"Type" json:"Type"`
	ColumnName string `cbor:"ColumnName" json:"ColumnName"`
	Value      any    `cbor:"Value,omitempty" json:"Value,omitempty"`
	Timestamp  *int64 `cbor:"Timestamp,omitempty" json:"Timestamp,omitempty"`
}

var (
	encMode = func() cbor.EncMode {
		m, err := cbor.EncOptions{ShortestFloat: cbor.ShortestFloatNone, Sort: cbor.SortNone}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	// Tablestore integers are 64-bit signed: a larger CBOR integer is
	// an error, not a big.Int.
	decMode = func() cbor.DecMode {
		m, err := cbor.DecOptions{IntDec: cbor.IntDecConvertSignedOrFail}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

// Encode encodes p in CBOR, as the trigger delivers it.
func Encode(p Payload) ([]byte, error) {
	if p.Records == nil {
		p.Records = []Record{}
	}
	for i := range p.Records {
		r := &p.Records[i]
		if r.PrimaryKey == nil {
			r.PrimaryKey = []PrimaryKeyColumn{}
		}
		if r.Columns == nil {
			r.Columns = []Column{}
		}
	}
	b, err := encMode.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("streamevent: encode payload: %w", err)
	}
	return b, nil
}

// Decode decodes a payload: integers come out as int64, byte strings as
// []byte, text as string, floats as float64.
func Decode(b []byte) (Payload, error) {
	var p Payload
	if err := decMode.Unmarshal(b, &p); err != nil {
		return Payload{}, fmt.Errorf("streamevent: decode payload: %w", err)
	}
	return p, nil
}

// FromRecords builds the payload of stream records as the SDK reads them
// from GetStreamRecord.
func FromRecords(recs []*tablestore.StreamRecord) (Payload, error) {
	p := Payload{Version: Version, Records: make([]Record, 0, len(recs))}
	for _, rec := range recs {
		r, err := fromRecord(rec)
		if err != nil {
			return Payload{}, err
		}
		p.Records = append(p.Records, r)
	}
	return p, nil
}

func fromRecord(rec *tablestore.StreamRecord) (Record, error) {
	var r Record
	switch rec.Type {
	case tablestore.AT_Put:
		r.Type = PutRow
	case tablestore.AT_Update:
		r.Type = UpdateRow
	case tablestore.AT_Delete:
		r.Type = DeleteRow
	default:
		return Record{}, fmt.Errorf("streamevent: record of unknown type %d", int(rec.Type))
	}
	if rec.Info != nil {
		r.Info.Timestamp = rec.Info.Timestamp
	}
	r.PrimaryKey = []PrimaryKeyColumn{}
	if rec.PrimaryKey != nil {
		for _, k := range rec.PrimaryKey.PrimaryKeys {
			r.PrimaryKey = append(r.PrimaryKey, PrimaryKeyColumn{ColumnName: k.ColumnName, Value: k.Value})
		}
	}
	r.Columns = make([]Column, 0, len(rec.Columns))
	for _, col := range rec.Columns {
		c := Column{ColumnName: *col.Name}
		switch col.Type {
		case tablestore.RCT_Put:
			c.Type, c.Value, c.Timestamp = Put, col.Value, copyOf(col.Timestamp)
		case tablestore.RCT_DeleteOneVersion:
			c.Type, c.Timestamp = DeleteOneVersion, copyOf(col.Timestamp)
		case tablestore.RCT_DeleteAllVersions:
			c.Type = DeleteAllVersions
		default:
			return Record{}, fmt.Errorf("streamevent: column %q of unknown type %d", c.ColumnName, int(col.Type))
		}
		r.Columns = append(r.Columns, c)
	}
	return r, nil
}

func copyOf(p *int64) *int64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
