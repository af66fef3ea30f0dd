package tablestore_test

import (
	"errors"
	"testing"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/tablestore"
)

// start serves a fresh in-memory instance on loopback and returns it with
// an official SDK client.
func start(t testing.TB, cfg tablestore.Config) (*tablestore.Server, *ots.TableStoreClient) {
	t.Helper()
	srv, err := tablestore.New(cfg)
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

func client(srv *tablestore.Server, endpoint string, c tablestore.Credentials) *ots.TableStoreClient {
	cfg := ots.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = time.Second
	return ots.NewClientWithConfig(endpoint, srv.Instance(), c.AccessKeyID, c.AccessKeySecret, c.SecurityToken, cfg)
}

// createTable creates a table with the given primary key columns.
func createTable(t testing.TB, c *ots.TableStoreClient, name string, maxVersions, ttl int, pk ...pkDef) {
	t.Helper()
	meta := &ots.TableMeta{TableName: name}
	for _, p := range pk {
		if p.autoInc {
			meta.AddPrimaryKeyColumnOption(p.name, p.typ, ots.AUTO_INCREMENT)
		} else {
			meta.AddPrimaryKeyColumn(p.name, p.typ)
		}
	}
	_, err := c.CreateTable(&ots.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &ots.TableOption{TimeToAlive: ttl, MaxVersion: maxVersions},
		ReservedThroughput: &ots.ReservedThroughput{},
	})
	if err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

type pkDef struct {
	name    string
	typ     ots.PrimaryKeyType
	autoInc bool
}

func strPK(name string) pkDef { return pkDef{name: name, typ: ots.PrimaryKeyType_STRING} }
func intPK(name string) pkDef { return pkDef{name: name, typ: ots.PrimaryKeyType_INTEGER} }

// pk builds a primary key from name, value pairs.
func pk(kv ...any) *ots.PrimaryKey {
	p := new(ots.PrimaryKey)
	for i := 0; i < len(kv); i += 2 {
		p.AddPrimaryKeyColumn(kv[i].(string), kv[i+1])
	}
	return p
}

func putRow(t testing.TB, c *ots.TableStoreClient, table string, key *ots.PrimaryKey, cols ...any) {
	t.Helper()
	ch := &ots.PutRowChange{TableName: table, PrimaryKey: key}
	for i := 0; i < len(cols); i += 2 {
		ch.AddColumn(cols[i].(string), cols[i+1])
	}
	ch.SetCondition(ots.RowExistenceExpectation_IGNORE)
	if _, err := c.PutRow(&ots.PutRowRequest{PutRowChange: ch}); err != nil {
		t.Fatalf("PutRow: %v", err)
	}
}

// getRow returns the newest value of each column of a row, nil when the
// row is missing.
func getRow(t testing.TB, c *ots.TableStoreClient, table string, key *ots.PrimaryKey) map[string]any {
	t.Helper()
	resp, err := c.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{TableName: table, PrimaryKey: key, MaxVersion: 1}})
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
	var e *ots.OtsError
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
