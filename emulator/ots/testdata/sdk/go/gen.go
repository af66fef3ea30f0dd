//go:build ignore

// gen writes the Go SDK's encoding of the fixture rows and conditions
// (../README.md lists them) into this directory, calling the same SDK
// functions its client calls when it builds a request:
//
//	PrimaryKey.Build(false)      GetRow, BatchGetRow, GetRange keys (api.go)
//	PutRowChange.Serialize       PutRow and BatchWriteRow PUT
//	UpdateRowChange.Serialize    UpdateRow and BatchWriteRow UPDATE
//	DeleteRowChange.Serialize    DeleteRow and BatchWriteRow DELETE (Build(true))
//	ColumnFilter.Serialize       condition.column_condition and read filters
//
// Run from the repository root:
//
//	go run ./emulator/ots/testdata/sdk/go/gen.go
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

const dir = "emulator/ots/testdata/sdk/go"

func key() *tablestore.PrimaryKey {
	p := new(tablestore.PrimaryKey)
	p.AddPrimaryKeyColumn("pk1", "a")
	p.AddPrimaryKeyColumn("pk2", int64(-7))
	p.AddPrimaryKeyColumn("pk3", []byte{0x00, 0x01, 0xff})
	return p
}

func bounds(max bool) *tablestore.PrimaryKey {
	p := new(tablestore.PrimaryKey)
	for _, n := range []string{"pk1", "pk2", "pk3"} {
		if max {
			p.AddPrimaryKeyColumnWithMaxValue(n)
		} else {
			p.AddPrimaryKeyColumnWithMinValue(n)
		}
	}
	return p
}

func put() []byte {
	c := &tablestore.PutRowChange{TableName: "sdk", PrimaryKey: key()}
	c.AddColumn("s", "v1")
	c.AddColumn("i", int64(-5))
	c.AddColumn("d", 3.5)
	c.AddColumn("t", true)
	c.AddColumn("f", false)
	c.AddColumn("b", []byte("x"))
	c.AddColumnWithTimestamp("ts", int64(5), 1699000000000)
	return c.Serialize()
}

func putAuto() []byte {
	p := new(tablestore.PrimaryKey)
	p.AddPrimaryKeyColumn("pk1", "a")
	p.AddPrimaryKeyColumnWithAutoIncrement("pk2")
	c := &tablestore.PutRowChange{TableName: "sdkauto", PrimaryKey: p}
	c.AddColumn("c", "v")
	return c.Serialize()
}

func update() []byte {
	c := &tablestore.UpdateRowChange{TableName: "sdk", PrimaryKey: key()}
	c.PutColumn("p", "v")
	// UpdateRowChange has no method for a put with a timestamp; the
	// ColumnToUpdate fields are public.
	c.Columns = append(c.Columns, tablestore.ColumnToUpdate{ColumnName: "pt", Value: 2.25, HasTimestamp: true, Timestamp: 1699000000077})
	c.DeleteColumnWithTimestamp("one", 1699000000123)
	c.DeleteColumn("all")
	c.IncrementColumn("inc", 2)
	return c.Serialize()
}

// single is a SingleColumnCondition; the Go SDK's FilterIfMissing is the
// other SDKs' !passIfMissing.
func single(name string, op tablestore.ComparatorType, v any, passIfMissing, latestOnly bool) *tablestore.SingleColumnCondition {
	c := tablestore.NewSingleColumnCondition(name, op, v)
	c.FilterIfMissing, c.LatestVersionOnly = !passIfMissing, latestOnly
	return c
}

func filterSingle() []byte {
	return single("s", tablestore.CT_EQUAL, "v1", false, true).Serialize()
}

func filterComposite() []byte {
	or := tablestore.NewCompositeColumnCondition(tablestore.LO_OR)
	or.AddFilter(single("d", tablestore.CT_LESS_EQUAL, 3.5, false, false))
	or.AddFilter(single("b", tablestore.CT_NOT_EQUAL, []byte("y"), true, true))
	or.AddFilter(single("t", tablestore.CT_EQUAL, true, true, true))
	and := tablestore.NewCompositeColumnCondition(tablestore.LO_AND)
	and.AddFilter(single("i", tablestore.CT_GREATER_THAN, int64(-10), true, true))
	and.AddFilter(or)
	return and.Serialize()
}

func main() {
	files := []struct {
		name string
		b    []byte
	}{
		{"key.plainbuf", key().Build(false)},
		{"range-start.plainbuf", bounds(false).Build(false)},
		{"range-end.plainbuf", bounds(true).Build(false)},
		{"put.plainbuf", put()},
		{"put-auto.plainbuf", putAuto()},
		{"delete.plainbuf", (&tablestore.DeleteRowChange{TableName: "sdk", PrimaryKey: key()}).Serialize()},
		{"update.plainbuf", update()},
		{"filter-single.filter", filterSingle()},
		{"filter-composite.filter", filterComposite()},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.b, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %x\n", f.name, f.b)
	}
}
