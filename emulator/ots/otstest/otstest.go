package otstest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/fn"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// A Server is a local Tablestore serving on loopback until the test that
// started it ends.
type Server struct {
	// Endpoint is the URL clients use, http://127.0.0.1:<port>.
	Endpoint string
	// Instance is the instance name requests must carry.
	Instance string
	// Credentials are the server's long-lived access key.
	Credentials fn.Credentials
	// Client is an official SDK client signed with Credentials.
	Client *tablestore.TableStoreClient

	srv *ots.Server
}

// New starts an in-memory local Tablestore with the default instance and
// access key (those runtime/store's local mode assumes) on a free
// loopback port, and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	return NewWithConfig(t, ots.Config{})
}

// NewWithConfig is New with the server configured by cfg: another access
// key (so that a function in local mode cannot sign with the default
// one), a data directory, faults.
func NewWithConfig(t testing.TB, cfg ots.Config) *Server {
	t.Helper()
	srv, err := ots.New(cfg)
	if err != nil {
		t.Fatalf("otstest: open the local Tablestore: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatalf("otstest: start the local Tablestore: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("otstest: close the local Tablestore: %v", err)
		}
	})
	LogFaultSeed(t, srv)
	c := srv.Credentials()
	return &Server{
		Endpoint:    endpoint,
		Instance:    srv.Instance(),
		Credentials: fn.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret},
		Client:      tablestore.NewClient(endpoint, srv.Instance(), c.AccessKeyID, c.AccessKeySecret),
		srv:         srv,
	}
}

// OTS is the server itself, for what this package does not wrap, such as
// SetFaults.
func (s *Server) OTS() *ots.Server { return s.srv }

// STS issues temporary credentials with a security token, valid for an
// hour, as Function Compute passes the function role's.
func (s *Server) STS() fn.Credentials {
	c := s.srv.IssueSTS(time.Hour)
	return fn.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
}

// StoreConfig is a runtime/store Config of the server in local mode,
// signed with its access key. Set its other fields (Transport, Logger)
// before store.Open as needed.
func (s *Server) StoreConfig() store.Config {
	return store.Config{Endpoint: s.Endpoint, Instance: s.Instance, Credentials: s.Credentials, Local: true}
}

// DB opens a runtime/store DB with StoreConfig.
func (s *Server) DB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(s.StoreConfig())
	if err != nil {
		t.Fatalf("otstest: open a DB of %s: %v", s.Endpoint, err)
	}
	return db
}

// Env holds the variables store.ConfigFromEnv reads to find the server,
// TABLESTORE_ENDPOINT and TABLESTORE_INSTANCE. It holds no credentials:
// a function run by the platform signs with its role's (see STS), and
// one in local mode (ROCKETFN_LOCAL=true) with the default access key,
// which New's server accepts.
func (s *Server) Env() map[string]string {
	return map[string]string{"TABLESTORE_ENDPOINT": s.Endpoint, "TABLESTORE_INSTANCE": s.Instance}
}

// Row reads the row of table whose primary key is pk, the values of the
// table's primary-key columns in order (strings, integers or []byte),
// and returns its columns by name, the primary-key columns included and
// the bookkeeping columns left out; nil when there is no such row.
func (s *Server) Row(t testing.TB, table string, pk ...any) map[string]any {
	t.Helper()
	schema := s.schema(t, table)
	if len(pk) != len(schema) {
		t.Fatalf("otstest: row of %s: %d primary-key values %v for the %d columns %v", table, len(pk), pk, len(schema), schemaNames(schema))
	}
	key := new(tablestore.PrimaryKey)
	for i, col := range schema {
		v, err := keyValue(pk[i])
		if err != nil {
			t.Fatalf("otstest: row of %s: primary-key column %s: %v", table, *col.Name, err)
		}
		key.AddPrimaryKeyColumn(*col.Name, v)
	}
	resp, err := s.Client.GetRow(&tablestore.GetRowRequest{SingleRowQueryCriteria: &tablestore.SingleRowQueryCriteria{
		TableName: table, PrimaryKey: key, MaxVersion: 1,
	}})
	if err != nil {
		t.Fatalf("otstest: GetRow %s %v: %v", table, pk, err)
	}
	if len(resp.PrimaryKey.PrimaryKeys) == 0 {
		return nil
	}
	return columns(&resp.PrimaryKey, resp.Columns)
}

// Rows reads every row of table, in primary-key order, as Row returns it.
func (s *Server) Rows(t testing.TB, table string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range s.scan(t, table) {
		out = append(out, columns(r.PrimaryKey, r.Columns))
	}
	return out
}

// Dump prints every row of table, in primary-key order, one line a row:
// its primary key, then every column, bookkeeping included, with its
// cell timestamp, as "table id=1001 Name=alice@1733581234567". Two dumps
// are equal when nothing wrote to the table in between, even a write of
// the same values.
func (s *Server) Dump(t testing.TB, table string) []string {
	t.Helper()
	var out []string
	for _, r := range s.scan(t, table) {
		var b strings.Builder
		b.WriteString(table)
		for _, k := range r.PrimaryKey.PrimaryKeys {
			fmt.Fprintf(&b, " %s=%v", k.ColumnName, k.Value)
		}
		for _, c := range r.Columns {
			fmt.Fprintf(&b, " %s=%v@%d", c.ColumnName, c.Value, c.Timestamp)
		}
		out = append(out, b.String())
	}
	return out
}

// scan reads every row of table with GetRange, page by page.
func (s *Server) scan(t testing.TB, table string) []*tablestore.Row {
	t.Helper()
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, col := range s.schema(t, table) {
		start.AddPrimaryKeyColumnWithMinValue(*col.Name)
		end.AddPrimaryKeyColumnWithMaxValue(*col.Name)
	}
	var rows []*tablestore.Row
	for start != nil {
		resp, err := s.Client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, Direction: tablestore.FORWARD,
		}})
		if err != nil {
			t.Fatalf("otstest: GetRange %s: %v", table, err)
		}
		rows = append(rows, resp.Rows...)
		start = resp.NextStartPrimaryKey
	}
	return rows
}

// schema is the primary key of table.
func (s *Server) schema(t testing.TB, table string) []*tablestore.PrimaryKeySchema {
	t.Helper()
	resp, err := s.Client.DescribeTable(&tablestore.DescribeTableRequest{TableName: table})
	if err != nil {
		t.Fatalf("otstest: DescribeTable %s: %v", table, err)
	}
	return resp.TableMeta.SchemaEntry
}

func schemaNames(schema []*tablestore.PrimaryKeySchema) []string {
	names := make([]string, len(schema))
	for i, col := range schema {
		names[i] = *col.Name
	}
	return names
}

// keyValue converts v to a type the SDK takes for a primary-key column.
func keyValue(v any) (any, error) {
	switch v := v.(type) {
	case string, []byte, int64:
		return v, nil
	case int:
		return int64(v), nil
	case int32:
		return int64(v), nil
	}
	return nil, fmt.Errorf("a %T (%v), want a string, an integer or []byte", v, v)
}

// columns maps a row's primary-key and attribute columns by name,
// leaving out bookkeeping.
func columns(pk *tablestore.PrimaryKey, cols []*tablestore.AttributeColumn) map[string]any {
	m := make(map[string]any, len(pk.PrimaryKeys)+len(cols))
	for _, k := range pk.PrimaryKeys {
		m[k.ColumnName] = k.Value
	}
	for _, c := range cols {
		if !store.IsBookkeeping(c.ColumnName) {
			m[c.ColumnName] = c.Value
		}
	}
	return m
}

// LogFaultSeed logs srv's fault seed if the test fails, with the variable
// that replays the same injected faults (ots.FaultSeedEnv). New and
// NewWithConfig call it for the servers they start.
func LogFaultSeed(t testing.TB, srv *ots.Server) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the local Tablestore's fault seed was %d: rerun with %s=%d for the same faults", srv.FaultSeed(), ots.FaultSeedEnv, srv.FaultSeed())
		}
	})
}
