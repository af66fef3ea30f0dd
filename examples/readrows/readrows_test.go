package main

import (
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	emulator "github.com/rocketfn/rocketfn/emulator/ots"
)

func TestPrintsRowsWithoutMarkers(t *testing.T) {
	srv, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatalf("new tablestore: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("start tablestore: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	cred := srv.Credentials()
	client := tablestore.NewClient(endpoint, srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
	createTable(t, client, "players")
	for _, id := range []string{"1002", "1001", "1003"} {
		putRow(t, client, "players", id, map[string]any{"Name": "n" + id, "Level": int64(7), "_rfn_abc_0": int64(1)})
	}
	cfg := config{endpoint: endpoint, instance: srv.Instance(), keyID: cred.AccessKeyID, secret: cred.AccessKeySecret}
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
