package tablestore

import (
	"fmt"
	"sort"
	"sync"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/golang/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/tablestore/plainbuf"
)

// Buckets of the store: table descriptions, each table's rows, and the
// last AUTO_INCREMENT value handed out per table.
const (
	metaBucket    = "meta"
	autoIncBucket = "autoinc"
	rowsPrefix    = "rows/"
)

// pkColumn is one primary-key column of a table's schema.
type pkColumn struct {
	name    string
	typ     plainbuf.Type
	autoInc bool
}

// table is a table's schema and options, as DescribeTable tells them.
type table struct {
	name        string
	pk          []pkColumn
	ttl         int32 // seconds; -1 keeps data forever
	maxVersions int32
	deviation   int64 // seconds an explicit timestamp may be off the clock
	desc        *pb.DescribeTableResponse
}

func (t *table) rowsBucket() string { return rowsPrefix + t.name }

// catalog is the in-memory view of the tables, kept in step with the meta
// bucket.
type catalog struct {
	mu     sync.RWMutex
	tables map[string]*table
}

func loadCatalog(store kv.Store) (*catalog, error) {
	c := &catalog{tables: make(map[string]*table)}
	err := store.View(func(r kv.Reader) error {
		return r.Scan(metaBucket, nil, nil, false, func(k, v []byte) bool {
			var desc pb.DescribeTableResponse
			if err := proto.Unmarshal(v, &desc); err != nil {
				return true // skipped; reported below
			}
			t, err := newTable(&desc)
			if err == nil {
				c.tables[t.name] = t
			}
			return true
		})
	})
	return c, err
}

func (c *catalog) get(name string) (*table, *Error) {
	c.mu.RLock()
	t, ok := c.tables[name]
	c.mu.RUnlock()
	if !ok {
		return nil, tableNotExist(name)
	}
	return t, nil
}

func (c *catalog) names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (c *catalog) put(t *table) {
	c.mu.Lock()
	c.tables[t.name] = t
	c.mu.Unlock()
}

func (c *catalog) remove(name string) {
	c.mu.Lock()
	delete(c.tables, name)
	c.mu.Unlock()
}

// newTable derives a table from its stored description.
func newTable(desc *pb.DescribeTableResponse) (*table, error) {
	meta := desc.GetTableMeta()
	t := &table{
		name:        meta.GetTableName(),
		ttl:         desc.GetTableOptions().GetTimeToLive(),
		maxVersions: desc.GetTableOptions().GetMaxVersions(),
		deviation:   desc.GetTableOptions().GetDeviationCellVersionInSec(),
		desc:        desc,
	}
	for _, c := range meta.GetPrimaryKey() {
		col := pkColumn{name: c.GetName(), autoInc: c.Option != nil && c.GetOption() == pb.PrimaryKeyOption_AUTO_INCREMENT}
		switch c.GetType() {
		case pb.PrimaryKeyType_INTEGER:
			col.typ = plainbuf.Integer
		case pb.PrimaryKeyType_STRING:
			col.typ = plainbuf.String
		case pb.PrimaryKeyType_BINARY:
			col.typ = plainbuf.Binary
		default:
			return nil, fmt.Errorf("table %q: primary key %q has unknown type %v", t.name, c.GetName(), c.GetType())
		}
		t.pk = append(t.pk, col)
	}
	return t, nil
}

// autoIncColumn is the index of the AUTO_INCREMENT column, or -1.
func (t *table) autoIncColumn() int {
	for i, c := range t.pk {
		if c.autoInc {
			return i
		}
	}
	return -1
}
