package ots_test

import (
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

func TestPutGetRow(t *testing.T) {
	_, c := start(t, ots.Config{})
	createTable(t, c, "players", 1, -1, strPK("id"))
	putRow(t, c, "players", pk("id", "p1"), "Name", "Ann", "Level", int64(3), "Score", 1.5, "Active", true, "Blob", []byte{1, 2})
	got := getRow(t, c, "players", pk("id", "p1"))
	want := map[string]any{"Name": "Ann", "Level": int64(3), "Score": 1.5, "Active": true}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if string(got["Blob"].([]byte)) != "\x01\x02" {
		t.Errorf("Blob = %v", got["Blob"])
	}
	if getRow(t, c, "players", pk("id", "nope")) != nil {
		t.Error("missing row returned columns")
	}
	resp, err := c.ListTable()
	if err != nil || len(resp.TableNames) != 1 || resp.TableNames[0] != "players" {
		t.Fatalf("ListTable = %v, %v", resp, err)
	}
	d, err := c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "players"})
	if err != nil || d.TableMeta.TableName != "players" || d.TableOption.MaxVersion != 1 {
		t.Fatalf("DescribeTable = %+v, %v", d, err)
	}
	if _, err := c.DeleteTable(&tablestore.DeleteTableRequest{TableName: "players"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTable(&tablestore.DescribeTableRequest{TableName: "players"})
	wantCode(t, err, ots.CodeObjectNotExist)
}
