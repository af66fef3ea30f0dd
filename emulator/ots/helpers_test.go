package ots_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
)

// start serves a fresh in-memory instance on loopback and returns it with
// an official SDK client.
func start(t testing.TB, cfg ots.Config) (*ots.Server, *tablestore.TableStoreClient) {
	t.Helper()
	srv, err := ots.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, client(srv, endpoint, srv.Credentials())
}

// logFaultSeed logs srv's fault seed if t fails, and how to rerun t with it.
func logFaultSeed(t testing.TB, srv *ots.Server) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("fault seed %d: rerun with %s=%d", srv.FaultSeed(), ots.FaultSeedEnv, srv.FaultSeed())
		}
	})
}

func client(srv *ots.Server, endpoint string, c ots.Credentials) *tablestore.TableStoreClient {
	cfg := tablestore.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = time.Second
	return tablestore.NewClientWithConfig(endpoint, srv.Instance(), c.AccessKeyID, c.AccessKeySecret, c.SecurityToken, cfg)
}

// createTable creates a table with the given primary key columns.
func createTable(t testing.TB, c *tablestore.TableStoreClient, name string, maxVersions, ttl int, pk ...pkDef) {
	t.Helper()
	meta := &tablestore.TableMeta{TableName: name}
	for _, p := range pk {
		if p.autoInc {
			meta.AddPrimaryKeyColumnOption(p.name, p.typ, tablestore.AUTO_INCREMENT)
		} else {
			meta.AddPrimaryKeyColumn(p.name, p.typ)
		}
	}
	_, err := c.CreateTable(&tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: ttl, MaxVersion: maxVersions},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	})
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

type pkDef struct {
	name    string
	typ     tablestore.PrimaryKeyType
	autoInc bool
}

func strPK(name string) pkDef { return pkDef{name: name, typ: tablestore.PrimaryKeyType_STRING} }
func intPK(name string) pkDef { return pkDef{name: name, typ: tablestore.PrimaryKeyType_INTEGER} }

// pk builds a primary key from name, value pairs.
func pk(kv ...any) *tablestore.PrimaryKey {
	p := new(tablestore.PrimaryKey)
	for i := 0; i < len(kv); i += 2 {
		p.AddPrimaryKeyColumn(kv[i].(string), kv[i+1])
	}
	return p
}

func putRow(t testing.TB, c *tablestore.TableStoreClient, table string, key *tablestore.PrimaryKey, cols ...any) {
	t.Helper()
	ch := &tablestore.PutRowChange{TableName: table, PrimaryKey: key}
	for i := 0; i < len(cols); i += 2 {
		ch.AddColumn(cols[i].(string), cols[i+1])
	}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&tablestore.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatalf("PutRow: %v", err)
	}
}

// getRow returns the newest value of each column of a row, nil when the
// row is missing.
func getRow(t testing.TB, c *tablestore.TableStoreClient, table string, key *tablestore.PrimaryKey) map[string]any {
	t.Helper()
	resp, err := c.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{TableName: table, PrimaryKey: key, MaxVersion: 1}})
	if err != nil {
		t.Fatalf("GetRow: %v", err)
	}
	if resp.PrimaryKey.PrimaryKeys == nil {
		return nil
	}
	out := map[string]any{}
	for _, col := range resp.Columns {
		out[col.ColumnName] = col.Value
	}
	return out
}

// otsCode is the Tablestore error code of err, or "".
func otsCode(err error) string {
	var e *tablestore.OtsError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := otsCode(err); got != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}
