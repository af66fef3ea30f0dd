package plainbuf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The fixtures in ../testdata/sdk are each official SDK's encoding of the
// same rows and conditions; ../testdata/sdk/README.md says how each set was
// made.
const fixtureDir = "../testdata/sdk"

// fixtureSDKs are the fixture sets, one directory each.
var fixtureSDKs = []string{"go", "java", "python", "node"}

var fixtureKey = pk("pk1", Str("a"), "pk2", Int(-7), "pk3", Bin([]byte{0x00, 0x01, 0xff}))

// fixtureRows are the rows of the plain-buffer fixtures, by case name.
var fixtureRows = map[string]Row{
	"key":         {PrimaryKey: fixtureKey},
	"range-start": {PrimaryKey: pk("pk1", Value{Type: InfMin}, "pk2", Value{Type: InfMin}, "pk3", Value{Type: InfMin})},
	"range-end":   {PrimaryKey: pk("pk1", Value{Type: InfMax}, "pk2", Value{Type: InfMax}, "pk3", Value{Type: InfMax})},
	"put": {PrimaryKey: fixtureKey, Cells: []Cell{
		{Name: "s", Value: Str("v1"), HasValue: true},
		{Name: "i", Value: Int(-5), HasValue: true},
		{Name: "d", Value: Float(3.5), HasValue: true},
		{Name: "t", Value: Bool(true), HasValue: true},
		{Name: "f", Value: Bool(false), HasValue: true},
		{Name: "b", Value: Bin([]byte("x")), HasValue: true},
		{Name: "ts", Value: Int(5), HasValue: true, Timestamp: 1699000000000, HasTimestamp: true},
	}},
	"put-auto": {
		PrimaryKey: pk("pk1", Str("a"), "pk2", Value{Type: AutoIncrement}),
		Cells:      []Cell{{Name: "c", Value: Str("v"), HasValue: true}},
	},
	"delete": {PrimaryKey: fixtureKey, Deleted: true},
	"update": {PrimaryKey: fixtureKey, Cells: []Cell{
		{Name: "p", Value: Str("v"), HasValue: true},
		{Name: "pt", Value: Float(2.25), HasValue: true, Timestamp: 1699000000077, HasTimestamp: true},
		{Name: "one", Op: OpDeleteOne, Timestamp: 1699000000123, HasTimestamp: true},
		{Name: "all", Op: OpDeleteAll},
		{Name: "inc", Op: OpIncrement, Value: Int(2), HasValue: true},
	}},
}

// nodePadding is the number of zero bytes the Node.js SDK writes after the
// row checksum. It sizes each buffer before writing it and sends the whole
// zero-filled allocation; the size counts one payload byte for each special
// key value (which has none), a 14-byte value for a deleted version (which
// has a 9-byte timestamp instead), and in UpdateRow a whole 31-byte column
// named "timestamp" for a put with a timestamp (which has 9 bytes).
var nodePadding = map[string]int{
	"range-start": 3,      // three INF_MIN values
	"range-end":   3,      // three INF_MAX values
	"put-auto":    1,      // one AUTO_INCREMENT value
	"update":      22 + 5, // pt put with a timestamp, one version of "one" deleted
}

func readFixture(t *testing.T, sdk, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, sdk, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSDKFixtureRows decodes every SDK's plain buffer of every case to the
// same row. The Go, Java and Python SDKs write exactly what Append writes;
// the Node.js SDK writes that followed by its zero padding.
func TestSDKFixtureRows(t *testing.T) {
	for name, want := range fixtureRows {
		canonical := Append(nil, want)
		for _, sdk := range fixtureSDKs {
			t.Run(sdk+"/"+name, func(t *testing.T) {
				b := readFixture(t, sdk, name+".plainbuf")
				got, err := DecodeRow(b)
				if err != nil {
					t.Fatalf("DecodeRow(%x): %v", b, err)
				}
				if !equalRows([]Row{got}, []Row{want}) {
					t.Fatalf("DecodeRow:\n got %+v\nwant %+v", got, want)
				}
				pad := 0
				if sdk == "node" {
					pad = nodePadding[name]
				}
				if wantB := append(bytes.Clone(canonical), make([]byte, pad)...); !bytes.Equal(b, wantB) {
					t.Fatalf("fixture bytes:\n got %x\nwant %x (Append and %d zero bytes)", b, wantB, pad)
				}
				// Decode reads buffers of rows, as responses carry them: no
				// SDK pads those, and it keeps refusing padding.
				if _, err := Decode(b); pad > 0 {
					asError(t, err, "row 1: want TAG_ROW_PK (0x01), got unknown tag (0x00)")
				} else if err != nil {
					t.Fatalf("Decode: %v", err)
				}
			})
		}
	}
}

// fixtureFilter is an expected Filter message (ots_filter.proto): a single
// column condition, or a combinator and its sub-filters.
type fixtureFilter struct {
	column        string
	op            pb.ComparatorType
	value         Value
	filterMissing bool
	latestOnly    bool

	combinator pb.LogicalOperator
	subs       []fixtureFilter
}

func single(column string, op pb.ComparatorType, v Value, passIfMissing, latestOnly bool) fixtureFilter {
	return fixtureFilter{column: column, op: op, value: v, filterMissing: !passIfMissing, latestOnly: latestOnly}
}

var fixtureFilters = map[string]fixtureFilter{
	"filter-single": single("s", pb.ComparatorType_CT_EQUAL, Str("v1"), false, true),
	"filter-composite": {combinator: pb.LogicalOperator_LO_AND, subs: []fixtureFilter{
		single("i", pb.ComparatorType_CT_GREATER_THAN, Int(-10), true, true),
		{combinator: pb.LogicalOperator_LO_OR, subs: []fixtureFilter{
			single("d", pb.ComparatorType_CT_LESS_EQUAL, Float(3.5), false, false),
			single("b", pb.ComparatorType_CT_NOT_EQUAL, Bin([]byte("y")), true, true),
			single("t", pb.ComparatorType_CT_EQUAL, Bool(true), true, true),
		}},
	}},
}

// checkFilter compares the Filter message in b with want.
func checkFilter(t *testing.T, b []byte, want fixtureFilter) {
	t.Helper()
	var f pb.Filter
	if err := sdkproto.Unmarshal(b, &f); err != nil {
		t.Fatalf("Filter %x: %v", b, err)
	}
	if want.subs == nil {
		var s pb.SingleColumnValueFilter
		if f.GetType() != pb.FilterType_FT_SINGLE_COLUMN_VALUE {
			t.Fatalf("filter type %v, want FT_SINGLE_COLUMN_VALUE", f.GetType())
		}
		if err := sdkproto.Unmarshal(f.GetFilter(), &s); err != nil {
			t.Fatal(err)
		}
		v, err := DecodeValue(s.GetColumnValue())
		if err != nil {
			t.Fatalf("column_value %x: %v", s.GetColumnValue(), err)
		}
		if s.GetColumnName() != want.column || s.GetComparator() != want.op || !equalValues(v, want.value) ||
			s.GetFilterIfMissing() != want.filterMissing || s.GetLatestVersionOnly() != want.latestOnly || s.ValueTransRule != nil {
			t.Fatalf("single filter %v with value %v, want %+v", &s, v, want)
		}
		return
	}
	var c pb.CompositeColumnValueFilter
	if f.GetType() != pb.FilterType_FT_COMPOSITE_COLUMN_VALUE {
		t.Fatalf("filter type %v, want FT_COMPOSITE_COLUMN_VALUE", f.GetType())
	}
	if err := sdkproto.Unmarshal(f.GetFilter(), &c); err != nil {
		t.Fatal(err)
	}
	if c.GetCombinator() != want.combinator || len(c.SubFilters) != len(want.subs) {
		t.Fatalf("composite %v with %d sub-filters, want %v with %d", c.GetCombinator(), len(c.SubFilters), want.combinator, len(want.subs))
	}
	for i, sub := range c.SubFilters {
		sb, err := sdkproto.Marshal(sub)
		if err != nil {
			t.Fatal(err)
		}
		checkFilter(t, sb, want.subs[i])
	}
}

// TestSDKFixtureFilters checks the column conditions and read filters: the
// four SDKs write the same bytes, and those hold the expected conditions
// with values that DecodeValue reads.
func TestSDKFixtureFilters(t *testing.T) {
	for name, want := range fixtureFilters {
		t.Run(name, func(t *testing.T) {
			first := readFixture(t, fixtureSDKs[0], name+".filter")
			checkFilter(t, first, want)
			for _, sdk := range fixtureSDKs[1:] {
				if b := readFixture(t, sdk, name+".filter"); !bytes.Equal(b, first) {
					t.Errorf("%s writes %x, %s writes %x", sdk, b, fixtureSDKs[0], first)
				}
			}
		})
	}
}

// nodeRequest is one entry of node/requests.json: a captured request body
// and the proto field paths of the plain buffers and filters in it.
type nodeRequest struct {
	Name     string            `json:"name"`
	Action   string            `json:"action"`
	Body     string            `json:"body"`
	Plainbuf map[string]string `json:"plainbuf"`
	Filter   map[string]string `json:"filter"`
}

// nodeRequestTypes are the request messages of the captured actions.
var nodeRequestTypes = map[string]func() sdkproto.Message{
	"GetRow":        func() sdkproto.Message { return new(pb.GetRowRequest) },
	"BatchGetRow":   func() sdkproto.Message { return new(pb.BatchGetRowRequest) },
	"GetRange":      func() sdkproto.Message { return new(pb.GetRangeRequest) },
	"PutRow":        func() sdkproto.Message { return new(pb.PutRowRequest) },
	"UpdateRow":     func() sdkproto.Message { return new(pb.UpdateRowRequest) },
	"DeleteRow":     func() sdkproto.Message { return new(pb.DeleteRowRequest) },
	"BatchWriteRow": func() sdkproto.Message { return new(pb.BatchWriteRowRequest) },
}

// protoField follows a path such as tables[1].rows[0].row_change to a
// bytes field of m.
func protoField(m sdkproto.Message, path string) ([]byte, error) {
	msg := sdkproto.Reflect(m)
	parts := strings.Split(path, ".")
	for i, part := range parts {
		name, index, list := strings.Cut(strings.TrimSuffix(part, "]"), "[")
		fd := msg.Descriptor().Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			return nil, fmt.Errorf("%s: no field %s", path, name)
		}
		v := msg.Get(fd)
		if list {
			n, err := strconv.Atoi(index)
			if err != nil || !fd.IsList() || n >= v.List().Len() {
				return nil, fmt.Errorf("%s: no element %s", path, part)
			}
			v = v.List().Get(n)
		}
		if i == len(parts)-1 {
			if fd.Kind() != protoreflect.BytesKind {
				return nil, fmt.Errorf("%s is not a bytes field", path)
			}
			return v.Bytes(), nil
		}
		if fd.Kind() != protoreflect.MessageKind {
			return nil, fmt.Errorf("%s: %s is not a message", path, name)
		}
		msg = v.Message()
	}
	return nil, fmt.Errorf("empty path")
}

// TestNodeRequests checks the captured Node.js request bodies: each is a
// request of its action, and carries byte for byte the plain buffers and
// filters its manifest entry names (the files the other tests decode).
func TestNodeRequests(t *testing.T) {
	var reqs []nodeRequest
	if err := json.Unmarshal(readFixture(t, "node", "requests.json"), &reqs); err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatal("no requests")
	}
	for _, r := range reqs {
		t.Run(r.Name, func(t *testing.T) {
			newMsg, ok := nodeRequestTypes[r.Action]
			if !ok {
				t.Fatalf("action %q", r.Action)
			}
			m := newMsg()
			if err := sdkproto.Unmarshal(readFixture(t, "node", r.Body), m); err != nil {
				t.Fatalf("%s body: %v", r.Action, err)
			}
			check := func(fields map[string]string, ext string) {
				for path, name := range fields {
					got, err := protoField(m, path)
					if err != nil {
						t.Fatal(err)
					}
					if want := readFixture(t, "node", name+ext); !bytes.Equal(got, want) {
						t.Errorf("%s:\n got %x\nwant %x (%s%s)", path, got, want, name, ext)
					}
				}
			}
			check(r.Plainbuf, ".plainbuf")
			check(r.Filter, ".filter")
		})
	}
}
