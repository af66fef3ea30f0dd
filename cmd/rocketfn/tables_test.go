package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/emulator/ots/otstest"
)

// tablesTestServer serves an in-memory local Tablestore with two tables:
// players (id STRING), three rows with a marker column, and scores
// (season INTEGER, name STRING), empty. It returns the environment that
// points "rocketfn tables" at it.
func tablesTestServer(t *testing.T) func(string) string {
	t.Helper()
	srv := otstest.NewWithConfig(t, ots.Config{Instance: "tables-test"})
	client := srv.Client
	tablesTestCreate(t, client, "players", [][2]any{{"id", tablestore.PrimaryKeyType_STRING}})
	tablesTestCreate(t, client, "scores", [][2]any{{"season", tablestore.PrimaryKeyType_INTEGER}, {"name", tablestore.PrimaryKeyType_STRING}})
	for _, id := range []string{"1002", "1001", "1003"} {
		ch := &tablestore.PutRowChange{TableName: "players", PrimaryKey: new(tablestore.PrimaryKey)}
		ch.PrimaryKey.AddPrimaryKeyColumn("id", id)
		ch.AddColumn("Name", "player "+id)
		ch.AddColumn("Level", int64(len(id)))
		ch.AddColumn("_rfn_0123abcd_0", int64(1))
		ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
		if _, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
			t.Fatalf("PutRow %s: %v", id, err)
		}
	}
	env := map[string]string{envTablestoreEndpoint: srv.Endpoint, envTablestoreInstance: srv.Instance,
		envAccessKeyID: srv.Credentials.AccessKeyID, envAccessKeySecret: srv.Credentials.AccessKeySecret}
	return func(k string) string { return env[k] }
}

// tablesTestCreate creates table with the primary key pk, pairs of name
// and type.
func tablesTestCreate(t *testing.T, client *tablestore.TableStoreClient, table string, pk [][2]any) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: table}
	for _, c := range pk {
		meta.AddPrimaryKeyColumn(c[0].(string), c[1].(tablestore.PrimaryKeyType))
	}
	if _, err := client.CreateTable(&tablestore.CreateTableRequest{TableMeta: meta,
		TableOption: &tablestore.TableOption{TimeToAlive: -1, MaxVersion: 1}, ReservedThroughput: &tablestore.ReservedThroughput{}}); err != nil {
		t.Fatalf("CreateTable %s: %v", table, err)
	}
}

// runTablesCmd runs "rocketfn tables args" and returns its output.
func runTablesCmd(t *testing.T, env func(string) string, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	if err := tables(args, &out, &errs, env); err != nil {
		t.Fatalf("tables %q: %v\n%s", args, err, errs.String())
	}
	return out.String()
}

// TestTablesList lists the tables with their primary keys.
func TestTablesList(t *testing.T) {
	env := tablesTestServer(t)
	out := runTablesCmd(t, env)
	for _, want := range []string{"players  id STRING", "scores   season INTEGER, name STRING", "2 table(s) in tables-test"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var infos []tableInfo
	if err := json.Unmarshal([]byte(runTablesCmd(t, env, "--json")), &infos); err != nil || len(infos) != 2 ||
		infos[1].Name != "scores" || len(infos[1].PrimaryKey) != 2 || infos[1].PrimaryKey[0] != (pkInfo{"season", "INTEGER"}) {
		t.Errorf("--json: %+v, %v", infos, err)
	}
}

// TestTablesScan prints rows in key order, hides the markers unless
// asked, and stops at --limit.
func TestTablesScan(t *testing.T) {
	env := tablesTestServer(t)
	out := runTablesCmd(t, env, "--scan", "players")
	want := "id    Level  Name\n1001  4      player 1001\n1002  4      player 1002\n1003  4      player 1003\n3 row(s) of players\n"
	if out != want {
		t.Errorf("scan:\n%s\nwant:\n%s", out, want)
	}
	if out := runTablesCmd(t, env, "--scan", "players", "--markers", "--limit", "2"); !strings.Contains(out, "_rfn_0123abcd_0") ||
		!strings.Contains(out, "2 row(s) of players, the first 2") || strings.Contains(out, "1003") {
		t.Errorf("scan --markers --limit 2:\n%s", out)
	}
	var res scanResult
	if err := json.Unmarshal([]byte(runTablesCmd(t, env, "--scan", "players", "--json", "--limit", "0")), &res); err != nil ||
		len(res.Rows) != 3 || res.More || res.Rows[0]["Name"] != "player 1001" || len(res.Columns) != 3 {
		t.Errorf("scan --json: %+v, %v", res, err)
	}
	if out := runTablesCmd(t, env, "--scan", "scores"); out != "season  name\n0 row(s) of scores\n" {
		t.Errorf("scan of an empty table:\n%s", out)
	}
}

// TestTablesErrors checks an unknown table and bad flags.
func TestTablesErrors(t *testing.T) {
	env := tablesTestServer(t)
	var out bytes.Buffer
	if err := tables([]string{"--scan", "nope"}, &out, &out, env); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("scan of a missing table: %v", err)
	}
	if code := exitStatus("tables", tables([]string{"--limit", "-1"}, &out, &out, env), &out); code != 2 {
		t.Errorf("--limit -1: exit %d, want 2", code)
	}
}
