package plainbuf

import (
	"bytes"
	"math"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// sdkCase is a buffer written by the Tablestore Go SDK and the rows it
// holds.
type sdkCase struct {
	name string
	sdk  []byte
	want []Row
}

func sdkPK() *tablestore.PrimaryKey {
	p := &tablestore.PrimaryKey{}
	p.AddPrimaryKeyColumn("pk1", "a")
	p.AddPrimaryKeyColumn("pk2", int64(-7))
	p.AddPrimaryKeyColumn("pk3", []byte{0, 1, 0xff})
	return p
}

var wantPK = pk("pk1", Str("a"), "pk2", Int(-7), "pk3", Bin([]byte{0, 1, 0xff}))

func sdkBounds() *tablestore.PrimaryKey {
	p := &tablestore.PrimaryKey{}
	p.AddPrimaryKeyColumnWithMinValue("lo")
	p.AddPrimaryKeyColumnWithMaxValue("hi")
	p.AddPrimaryKeyColumnWithAutoIncrement("auto")
	return p
}

func sdkPut() *tablestore.PutRowChange {
	c := &tablestore.PutRowChange{PrimaryKey: sdkPK()}
	c.AddColumn("s", "v1")
	c.AddColumn("empty", "")
	c.AddColumn("i", int64(math.MinInt64))
	c.AddColumn("f", 3.5)
	c.AddColumn("inf", math.Inf(1))
	c.AddColumn("t", true)
	c.AddColumn("false", false)
	c.AddColumn("bin", []byte("x"))
	c.AddColumnWithTimestamp("ts", int64(5), 1699000000000)
	return c
}

var wantPut = []Cell{
	{Name: "s", Value: Str("v1"), HasValue: true},
	{Name: "empty", Value: Str(""), HasValue: true},
	{Name: "i", Value: Int(math.MinInt64), HasValue: true},
	{Name: "f", Value: Float(3.5), HasValue: true},
	{Name: "inf", Value: Float(math.Inf(1)), HasValue: true},
	{Name: "t", Value: Bool(true), HasValue: true},
	{Name: "false", Value: Bool(false), HasValue: true},
	{Name: "bin", Value: Bin([]byte("x")), HasValue: true},
	{Name: "ts", Value: Int(5), HasValue: true, Timestamp: 1699000000000, HasTimestamp: true},
}

func sdkUpdate() *tablestore.UpdateRowChange {
	c := &tablestore.UpdateRowChange{PrimaryKey: sdkPK()}
	c.PutColumn("p", "v")
	c.DeleteColumn("all")
	c.DeleteColumnWithTimestamp("one", 123)
	c.IncrementColumn("inc", 2)
	c.Columns = append(c.Columns, tablestore.ColumnToUpdate{ColumnName: "pt", Value: 2.25, HasTimestamp: true, Timestamp: 77})
	return c
}

var wantUpdate = []Cell{
	{Name: "p", Value: Str("v"), HasValue: true},
	{Name: "all", Op: OpDeleteAll},
	{Name: "one", Op: OpDeleteOne, Timestamp: 123, HasTimestamp: true},
	{Name: "inc", Op: OpIncrement, Value: Int(2), HasValue: true},
	{Name: "pt", Value: Float(2.25), HasValue: true, Timestamp: 77, HasTimestamp: true},
}

func sdkCases() []sdkCase {
	auto := Value{Type: AutoIncrement}
	bounds := pk("lo", Value{Type: InfMin}, "hi", Value{Type: InfMax}, "auto", auto)
	putBounds := &tablestore.PutRowChange{PrimaryKey: sdkBounds()}
	putBounds.AddColumn("c", int64(1))
	pkOnly := &tablestore.PutRowChange{PrimaryKey: sdkPK()}
	del := &tablestore.DeleteRowChange{PrimaryKey: sdkPK()}
	return []sdkCase{
		{"PrimaryKey.Build", sdkPK().Build(false), []Row{{PrimaryKey: wantPK}}},
		{"PrimaryKey.Build delete", sdkPK().Build(true), []Row{{PrimaryKey: wantPK, Deleted: true}}},
		{"PrimaryKey.Build bounds", sdkBounds().Build(false), []Row{{PrimaryKey: bounds}}},
		{"PutRowChange", sdkPut().Serialize(), []Row{{PrimaryKey: wantPK, Cells: wantPut}}},
		{"PutRowChange no columns", pkOnly.Serialize(), []Row{{PrimaryKey: wantPK}}},
		// Serialize writes every special primary-key value, INF_MIN and
		// INF_MAX included, as AUTO_INCREMENT.
		{"PutRowChange bounds", putBounds.Serialize(), []Row{{
			PrimaryKey: pk("lo", auto, "hi", auto, "auto", auto),
			Cells:      []Cell{{Name: "c", Value: Int(1), HasValue: true}},
		}}},
		{"UpdateRowChange", sdkUpdate().Serialize(), []Row{{PrimaryKey: wantPK, Cells: wantUpdate}}},
		{"DeleteRowChange", del.Serialize(), []Row{{PrimaryKey: wantPK, Deleted: true}}},
		{"GetRange rows", concatRows(sdkPut().Serialize(), pkOnly.Serialize(), sdkUpdate().Serialize()), []Row{
			{PrimaryKey: wantPK, Cells: wantPut}, {PrimaryKey: wantPK}, {PrimaryKey: wantPK, Cells: wantUpdate},
		}},
	}
}

// concatRows joins single-row buffers into one, keeping only the first
// header, as a GetRange response does.
func concatRows(bufs ...[]byte) []byte {
	out := append([]byte(nil), bufs[0]...)
	for _, b := range bufs[1:] {
		out = append(out, b[4:]...)
	}
	return out
}

func TestSDKOracle(t *testing.T) {
	for _, c := range sdkCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := Decode(c.sdk)
			if err != nil {
				t.Fatalf("Decode(%x): %v", c.sdk, err)
			}
			if !equalRows(got, c.want) {
				t.Fatalf("Decode:\n got %+v\nwant %+v", got, c.want)
			}
			if b := Append(nil, got...); !bytes.Equal(b, c.sdk) {
				t.Fatalf("Append of decoded rows:\n got %x\nwant %x", b, c.sdk)
			}
			if b := Append(nil, c.want...); !bytes.Equal(b, c.sdk) {
				t.Fatalf("Append of expected rows:\n got %x\nwant %x", b, c.sdk)
			}
		})
	}
}

// TestCapturedPutRow decodes PutRow request bytes captured from the SDK:
// pk1="a", pk2=AUTO_INCREMENT, c1="v1", c2=5 with a timestamp.
func TestCapturedPutRow(t *testing.T) {
	b := unhex(t, "75000000 01 03 04 03000000 706b31 05 06000000 03 01000000 61 0a19"+
		" 03 04 03000000 706b32 05 01000000 0b 0af9"+
		" 02 03 04 02000000 6331 05 07000000 03 02000000 7631 0aa9"+
		" 03 04 02000000 6332 05 09000000 00 0500000000000000 07 0068e5cf8b010000 0ac6 09 0d")
	want := Row{
		PrimaryKey: pk("pk1", Str("a"), "pk2", Value{Type: AutoIncrement}),
		Cells: []Cell{
			{Name: "c1", Value: Str("v1"), HasValue: true},
			{Name: "c2", Value: Int(5), HasValue: true, Timestamp: 0x018bcfe56800, HasTimestamp: true},
		},
	}
	got, err := DecodeRow(b)
	if err != nil {
		t.Fatal(err)
	}
	if !equalRows([]Row{got}, []Row{want}) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if enc := Append(nil, want); !bytes.Equal(enc, b) {
		t.Fatalf("Append:\n got %x\nwant %x", enc, b)
	}
}

// TestCapturedRowChecksums checks the row checksums of captured one-cell
// keys, of which only the tails were kept: a deleted row whose cell
// checksum is 0x02 and an INF_MIN start key whose cell checksum is 0xc8.
func TestCapturedRowChecksums(t *testing.T) {
	if got := crc8Byte(crc8Byte(0, 0x02), 1); got != 0x2d {
		t.Errorf("delete row checksum 0x%02x, captured 0x2d", got)
	}
	if got := crc8Byte(crc8Byte(0, 0xc8), 0); got != 0x45 {
		t.Errorf("INF_MIN row checksum 0x%02x, captured 0x45", got)
	}
}
