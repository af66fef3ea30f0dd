package filter

import (
	"bytes"
	"encoding/hex"
	"testing"

	ts "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// row is the row most cases run against. Column v has two versions: 1 is
// the newest, 7 the older.
var row = []plainbuf.Cell{
	cell("bin", 1, plainbuf.Bin([]byte{1, 2})),
	cell("bool", 1, plainbuf.Bool(false)),
	cell("dbl", 1, plainbuf.Float(1.5)),
	cell("int", 1, plainbuf.Int(5)),
	cell("log", 1, plainbuf.Str("id:42; t=3.5")),
	cell("str", 1, plainbuf.Str("abc")),
	cell("v", 3, plainbuf.Int(1)),
	cell("v", 2, plainbuf.Int(7)),
	{Name: "x", HasValue: false, Timestamp: 1},
}

type matchCase struct {
	name string
	f    ts.ColumnFilter
	want bool
}

var comparatorCases = []matchCase{
	{"int = hit", eq("int", int64(5)), true},
	{"int = miss", eq("int", int64(6)), false},
	{"int != hit", cond("int", ts.CT_NOT_EQUAL, int64(6), false, true), true},
	{"int != miss", cond("int", ts.CT_NOT_EQUAL, int64(5), false, true), false},
	{"int > hit", cond("int", ts.CT_GREATER_THAN, int64(4), false, true), true},
	{"int > miss", cond("int", ts.CT_GREATER_THAN, int64(5), false, true), false},
	{"int >= hit", cond("int", ts.CT_GREATER_EQUAL, int64(5), false, true), true},
	{"int >= miss", cond("int", ts.CT_GREATER_EQUAL, int64(6), false, true), false},
	{"int < hit", cond("int", ts.CT_LESS_THAN, int64(6), false, true), true},
	{"int < miss", cond("int", ts.CT_LESS_THAN, int64(5), false, true), false},
	{"int <= hit", cond("int", ts.CT_LESS_EQUAL, int64(5), false, true), true},
	{"int <= miss", cond("int", ts.CT_LESS_EQUAL, int64(4), false, true), false},
	{"negative int", cond("int", ts.CT_GREATER_THAN, int64(-9), false, true), true},
	{"double =", eq("dbl", 1.5), true},
	{"double >", cond("dbl", ts.CT_GREATER_THAN, 1.25, false, true), true},
	{"double <", cond("dbl", ts.CT_LESS_THAN, 1.25, false, true), false},
	{"string =", eq("str", "abc"), true},
	{"string <", cond("str", ts.CT_LESS_THAN, "abd", false, true), true},
	{"string prefix >", cond("str", ts.CT_GREATER_THAN, "ab", false, true), true},
	{"binary =", eq("bin", []byte{1, 2}), true},
	{"binary >", cond("bin", ts.CT_GREATER_THAN, []byte{1}, false, true), true},
	{"bool =", eq("bool", false), true},
	{"bool false < true", cond("bool", ts.CT_LESS_THAN, true, false, true), true},
}

var semanticCases = []matchCase{
	{"mismatch int vs string =", eq("int", "5"), false},
	{"mismatch int vs string !=", cond("int", ts.CT_NOT_EQUAL, "5", false, true), false},
	{"mismatch double vs int", eq("dbl", int64(1)), false},
	{"mismatch string vs binary", eq("str", []byte("abc")), false},
	{"missing, filter_if_missing false", eq("nope", int64(1)), true},
	{"missing, filter_if_missing true", cond("nope", ts.CT_EQUAL, int64(1), true, true), false},
	{"valueless cell counts as missing", cond("x", ts.CT_EQUAL, int64(1), true, true), false},
	{"present column ignores filter_if_missing", cond("int", ts.CT_EQUAL, int64(6), false, true), false},
	{"latest only, newest matches", cond("v", ts.CT_EQUAL, int64(1), true, true), true},
	{"latest only, older ignored", cond("v", ts.CT_EQUAL, int64(7), true, true), false},
	{"all versions, older matches", cond("v", ts.CT_EQUAL, int64(7), true, false), true},
	{"all versions, newest matches", cond("v", ts.CT_EQUAL, int64(1), true, false), true},
	{"all versions, none matches", cond("v", ts.CT_GREATER_THAN, int64(7), true, false), false},
	{"all versions, != passes on one", cond("v", ts.CT_NOT_EQUAL, int64(1), true, false), true},
	{"pagination always matches", &ts.PaginationFilter{Offset: 100, Limit: 1}, true},
}

var compositeCases = []matchCase{
	{"NOT true", combine(ts.LO_NOT, eq("int", int64(5))), false},
	{"NOT false", combine(ts.LO_NOT, eq("int", int64(6))), true},
	{"NOT missing filtered", combine(ts.LO_NOT, cond("nope", ts.CT_EQUAL, int64(1), true, true)), true},
	{"AND all", combine(ts.LO_AND, eq("int", int64(5)), eq("str", "abc")), true},
	{"AND one fails", combine(ts.LO_AND, eq("int", int64(5)), eq("str", "x")), false},
	{"OR one", combine(ts.LO_OR, eq("int", int64(6)), eq("str", "abc")), true},
	{"OR none", combine(ts.LO_OR, eq("int", int64(6)), eq("str", "x")), false},
	{"AND of OR and NOT", combine(ts.LO_AND,
		combine(ts.LO_OR, eq("int", int64(6)), eq("dbl", 1.5), eq("bool", true)),
		combine(ts.LO_NOT, combine(ts.LO_AND, eq("str", "abc"), eq("bin", []byte{9})))), true},
	{"OR of ANDs fails", combine(ts.LO_OR,
		combine(ts.LO_AND, eq("int", int64(5)), eq("str", "x")),
		combine(ts.LO_AND, eq("int", int64(6)), eq("str", "abc"))), false},
}

var ruleCases = []matchCase{
	{"rule int >", regexCond("log", `id:(\d+)`, ts.Variant_INTEGER, ts.CT_GREATER_THAN, int64(40)), true},
	{"rule int =", regexCond("log", `id:(\d+)`, ts.Variant_INTEGER, ts.CT_EQUAL, int64(42)), true},
	{"rule whole match", regexCond("log", `\d+`, ts.Variant_INTEGER, ts.CT_EQUAL, int64(42)), true},
	{"rule double", regexCond("log", `t=([\d.]+)`, ts.Variant_DOUBLE, ts.CT_GREATER_EQUAL, 3.5), true},
	{"rule string", regexCond("log", `id:(\d)`, ts.Variant_STRING, ts.CT_EQUAL, "4"), true},
	{"rule no match", regexCond("log", `zz(\d+)`, ts.Variant_INTEGER, ts.CT_NOT_EQUAL, int64(0)), false},
	{"rule double cast fails", regexCond("log", `id:(\d+;)`, ts.Variant_DOUBLE, ts.CT_NOT_EQUAL, 0.0), false},
	{"rule int cast fails", regexCond("log", `(id)`, ts.Variant_INTEGER, ts.CT_NOT_EQUAL, int64(0)), false},
	{"rule group unused", regexCond("log", `id|(x)`, ts.Variant_STRING, ts.CT_NOT_EQUAL, "y"), false},
	{"rule cast type vs value type", regexCond("log", `id:(\d+)`, ts.Variant_INTEGER, ts.CT_EQUAL, 42.0), false},
	{"rule on non-string column", regexCond("int", `(\d+)`, ts.Variant_INTEGER, ts.CT_EQUAL, int64(5)), false},
}

func TestMatch(t *testing.T) {
	for _, group := range [][]matchCase{comparatorCases, semanticCases, compositeCases, ruleCases} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				f, err := Parse(tc.f.Serialize())
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := f.Match(row); got != tc.want {
					t.Errorf("Match = %v, want %v", got, tc.want)
				}
			})
		}
	}
}

// TestSDKBytes pins the SDK's serialization of c1 == "v1" to the captured
// wire bytes, so the tests above run on what the client really sends.
func TestSDKBytes(t *testing.T) {
	want, _ := hex.DecodeString("080112130801120263311a070302000000763120002800")
	got := ts.NewSingleColumnCondition("c1", ts.CT_EQUAL, "v1").Serialize()
	if !bytes.Equal(got, want) {
		t.Fatalf("SDK bytes %x, want %x", got, want)
	}
}
