package main

import (
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
	"github.com/rocketfn/rocketfn/runtime/store"
)

func TestPrintsRowsWithoutMarkers(t *testing.T) {
	ts := otstest.New(t)
	createTable(t, ts.Client, "players")
	for _, id := range []string{"1002", "1001", "1003"} {
		putRow(t, ts.Client, "players", id, map[string]any{"Name": "n" + id, "Level": int64(7), store.BookkeepingPrefix + "abc_0": int64(1)})
	}
	cfg := config{endpoint: ts.Endpoint, instance: ts.Instance, keyID: ts.Credentials.AccessKeyID, secret: ts.Credentials.AccessKeySecret}
	var out strings.Builder
	if err := run(t.Context(), cfg, &out, "-table", "players", "-limit", "2"); err != nil {
		t.Fatalf("readrows: %v\n%s", err, out.String())
	}
	want := "id=1001 Level=7 Name=n1001\nid=1002 Level=7 Name=n1002\n2 rows in table players\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := run(t.Context(), cfg, &out, "-table", "missing"); err == nil || !strings.Contains(err.Error(), "read table missing") {
		t.Errorf("a missing table: %v", err)
	}
}

func createTable(t *testing.T, client *tablestore.TableStoreClient, table string) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: table}
	meta.AddPrimaryKeyColumn("id", tablestore.PrimaryKeyType_STRING)
	_, err := client.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1},
		ReservedThroughput: &tablestore.ReservedThroughput{}})
	if err != nil {
		t.Fatalf("create table %s: %v", table, err)
	}
}

func putRow(t *testing.T, client *tablestore.TableStoreClient, table, id string, cols map[string]any) {
	t.Helper()
	change := &tablestore.PutRowChange{TableName: table, PrimaryKey: &tablestore.PrimaryKey{}}
	change.PrimaryKey.AddPrimaryKeyColumn("id", id)
	for name, v := range cols {
		change.AddColumn(name, v)
	}
	change.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: change}); err != nil {
		t.Fatalf("put row %s: %v", id, err)
	}
}
