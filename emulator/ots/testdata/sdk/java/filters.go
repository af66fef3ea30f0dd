//go:build ignore

// filters writes the Java SDK's encoding of the fixture conditions
// (filter-single.filter, filter-composite.filter) into this directory. The
// Java SDK builds them with protobuf classes that cannot be compiled here
// (../README.md says why), so this program follows its code step by step,
// from aliyun-tablestore-java-sdk 5.17.7 (commit 331cd3d3),
// tablestore/src/main/java/com/alicloud/openservices/tablestore/:
//
//	core/protocol/OTSProtocolBuilder.java
//	  1045-1050 toFilter(ColumnCondition): Filter{type, filter: serialize()}
//	  1091-1100 buildCompositeColumnValueFilter: combinator, then toFilter
//	            of each sub-filter in order
//	  1102-1114 buildSingleColumnValueFilter: column_name, comparator,
//	            column_value, filter_if_missing = !passIfMissing,
//	            latest_version_only; value_trans_rule left unset
//	core/protocol/PlainBufferBuilder.java
//	  188-198   buildColumnValueWithoutLengthPrefix, which calls
//	core/protocol/PlainBufferCodedOutputStream.java
//	  248-282   writeColumnValueWithoutLengthPrefix: the type byte, then
//	            the payload (strings and binaries with a uint32 length)
//	model/condition/SingleColumnValueCondition.java, CompositeColumnValueCondition.java
//	  serialize() goes through toFilter() to the two builders above
//
// The message types are the Go SDK's, generated from the same
// ots_filter.proto (the same fields and numbers); like Java's protobuf
// runtime, Go's writes the set fields in field-number order. The value
// bytes match those the Java SDK's PlainBufferBuilder wrote when its plain
// buffer classes were run for the other Java fixtures.
//
// Run from the repository root:
//
//	go run ./emulator/ots/testdata/sdk/java/filters.go
package main

import (
	"encoding/binary"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"
)

const dir = "emulator/ots/testdata/sdk/java"

// columnValue follows writeColumnValueWithoutLengthPrefix: VT_STRING 0x3,
// VT_INTEGER 0x0, VT_BLOB 0x7, VT_DOUBLE 0x1, VT_BOOLEAN 0x2.
func columnValue(v any) []byte {
	var b []byte
	switch v := v.(type) {
	case string:
		b = append(b, 0x3)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	case int64:
		b = append(b, 0x0)
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	case []byte:
		b = append(b, 0x7)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	case float64:
		b = append(b, 0x1)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case bool:
		b = append(b, 0x2)
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	default:
		log.Fatalf("no column value type for %T", v)
	}
	return b
}

func marshal(m sdkproto.Message) []byte {
	b, err := sdkproto.Marshal(m)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// single follows buildSingleColumnValueFilter, then toFilter.
func single(name string, op pb.ComparatorType, v any, passIfMissing, latestOnly bool) *pb.Filter {
	f := &pb.SingleColumnValueFilter{
		ColumnName:        proto.String(name),
		Comparator:        op.Enum(),
		ColumnValue:       columnValue(v),
		FilterIfMissing:   proto.Bool(!passIfMissing),
		LatestVersionOnly: proto.Bool(latestOnly),
	}
	return &pb.Filter{Type: pb.FilterType_FT_SINGLE_COLUMN_VALUE.Enum(), Filter: marshal(f)}
}

// composite follows buildCompositeColumnValueFilter, then toFilter.
func composite(op pb.LogicalOperator, subs ...*pb.Filter) *pb.Filter {
	f := &pb.CompositeColumnValueFilter{Combinator: op.Enum(), SubFilters: subs}
	return &pb.Filter{Type: pb.FilterType_FT_COMPOSITE_COLUMN_VALUE.Enum(), Filter: marshal(f)}
}

func main() {
	files := []struct {
		name string
		f    *pb.Filter
	}{
		{"filter-single.filter", single("s", pb.ComparatorType_CT_EQUAL, "v1", false, true)},
		{"filter-composite.filter", composite(pb.LogicalOperator_LO_AND,
			single("i", pb.ComparatorType_CT_GREATER_THAN, int64(-10), true, true),
			composite(pb.LogicalOperator_LO_OR,
				single("d", pb.ComparatorType_CT_LESS_EQUAL, 3.5, false, false),
				single("b", pb.ComparatorType_CT_NOT_EQUAL, []byte("y"), true, true),
				single("t", pb.ComparatorType_CT_EQUAL, true, true, true)))},
	}
	for _, f := range files {
		b := marshal(f.f)
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %x\n", f.name, b)
	}
}
