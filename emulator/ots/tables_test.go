package ots_test

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func TestTableManagement(t *testing.T) {
	_, c := start(t, ots.Config{MaxTables: 2})
	meta := &tablestore.TableMeta{TableName: "orders"}
	meta.AddPrimaryKeyColumn("shop", tablestore.PrimaryKeyType_STRING)
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_BINARY)
	meta.AddDefinedColumn("state", tablestore.DefinedColumn_STRING)
	_, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: 86400 * 7, MaxVersion: 3},
		ReservedThroughput: &tablestore.ReservedThroughput{Readcap: 5, Writecap: 6}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.TableMeta.SchemaEntry) != 2 || *d.TableMeta.SchemaEntry[1].Name != "id" || *d.TableMeta.SchemaEntry[1].Type != tablestore.PrimaryKeyType_BINARY {
		t.Errorf("schema = %+v", d.TableMeta.SchemaEntry)
	}
	if d.TableOption.TimeToAlive != 86400*7 || d.TableOption.MaxVersion != 3 || d.ReservedThroughput.Readcap != 5 || d.ReservedThroughput.Writecap != 6 {
		t.Errorf("options = %+v, throughput = %+v", d.TableOption, d.ReservedThroughput)
	}

	u, err := c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "orders", TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if u.TableOption.MaxVersion != 1 || u.TableOption.TimeToAlive != -1 {
		t.Errorf("UpdateTable options = %+v", u.TableOption)
	}
	_, err = c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "nope", TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}})
	wantCode(t, err, ots.CodeObjectNotExist)
	_, err = c.UpdateTable(&tablestore.UpdateTableRequest{TableName: "orders", TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 0}})
	wantCode(t, err, ots.CodeParameterInvalid)

	sp, err := c.ComputeSplitPointsBySize(&tablestore.ComputeSplitPointsBySizeRequest{TableName: "orders", SplitSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Splits) != 1 || len(sp.Splits[0].LowerBound.PrimaryKeys) != 2 || len(sp.Splits[0].UpperBound.PrimaryKeys) != 2 {
		t.Fatalf("splits = %+v; want one split of the whole table", sp.Splits)
	}

	createTable(t, c, "second", 1, -1, intPK("n"))
	meta.TableName = "third"
	_, err = c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}})
	wantCode(t, err, ots.CodeQuotaExhausted)

	// A deleted table's rows do not come back with a new table of its name.
	putRow(t, c, "second", pk("n", int64(1)), "v", "old")
	if _, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "second"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "second"})
	wantCode(t, err, ots.CodeObjectNotExist)
	createTable(t, c, "second", 1, -1, intPK("n"))
	if getRow(t, c, "second", pk("n", int64(1))) != nil {
		t.Fatal("rows of a deleted table came back")
	}
	err = put(c, "gone", pk("n", int64(1)), tablestore.RowExistenceExpectation_IGNORE, nil, "v", "x")
	wantCode(t, err, ots.CodeObjectNotExist)
}

func TestNames(t *testing.T) {
	_, c := start(t, ots.Config{})
	for name, ok := range map[string]bool{"a": true, "_x9": true, "A_b_C": true, "9a": false, "a-b": false, "a b": false, "é": false} {
		meta := &tablestore.TableMeta{TableName: name}
		meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
		_, err := c.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta, TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}})
		if (err == nil) != ok {
			t.Errorf("table name %q: %v, want ok=%v", name, err, ok)
		}
	}
}
