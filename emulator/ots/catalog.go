package ots

import (
	"bytes"
	"fmt"
	"sort"
	"sync"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
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

// table is a table's schema and options, as DescribeTable tells them:
// a data table, or the index table of one of its secondary indexes.
type table struct {
	name        string
	pk          []pkColumn
	ttl         int32 // seconds; -1 keeps data forever
	maxVersions int32
	deviation   int64 // seconds an explicit timestamp may be off the clock
	desc        *pb.DescribeTableResponse
	raw         []byte // the stored description of the data table

	defined map[string]plainbuf.Type // defined (predefined) columns and their types
	indexes []*table                 // the index tables of a data table
	index   *index                   // for an index table: its definition
	stream  *stream                  // a data table's stream, if enabled
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
	var bad error
	err := store.View(func(r kv.Reader) error {
		return r.Scan(metaBucket, nil, nil, false, func(k, v []byte) bool {
			t, err := decodeTable(v)
			if err != nil {
				bad = fmt.Errorf("table %q: %w", k, err)
				return false
			}
			c.tables[t.name] = t
			for _, ix := range t.indexes {
				c.tables[ix.name] = ix
			}
			return true
		})
	})
	if err == nil {
		err = bad
	}
	return c, err
}

// decodeTable derives a data table and its index tables from the stored
// description b.
func decodeTable(b []byte) (*table, error) {
	var desc pb.DescribeTableResponse
	if err := sdkproto.Unmarshal(b, &desc); err != nil {
		return nil, err
	}
	t, err := newTable(&desc)
	if err != nil {
		return nil, err
	}
	t.raw = bytes.Clone(b)
	return t, nil
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

// names lists the data tables, as ListTable does: index tables are not
// listed.
func (c *catalog) names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	names := make([]string, 0, len(c.tables))
	for n, t := range c.tables {
		if t.index == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// count is the number of tables, index tables included, as the
// instance's table quota counts them.
func (c *catalog) count() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.tables)
}

// put installs data table t and its index tables, replacing a previous
// version of t and dropping the index tables it no longer has.
func (c *catalog) put(t *table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.tables[t.name]; ok {
		for _, ix := range old.indexes {
			delete(c.tables, ix.name)
		}
	}
	c.tables[t.name] = t
	for _, ix := range t.indexes {
		c.tables[ix.name] = ix
	}
}

// remove drops data table name and its index tables.
func (c *catalog) remove(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tables[name]; ok {
		for _, ix := range t.indexes {
			delete(c.tables, ix.name)
		}
	}
	delete(c.tables, name)
}

// current returns the version of t that the stored description b
// describes: t itself, the catalog's version, or one decoded from b.
func (c *catalog) current(t *table, b []byte) (*table, error) {
	if bytes.Equal(b, t.raw) {
		return t, nil
	}
	c.mu.RLock()
	ct := c.tables[t.name]
	c.mu.RUnlock()
	if ct != nil && bytes.Equal(b, ct.raw) {
		return ct, nil
	}
	return decodeTable(b)
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
		stream:      streamOf(desc),
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
	if len(meta.GetDefinedColumn()) > 0 {
		t.defined = make(map[string]plainbuf.Type, len(meta.GetDefinedColumn()))
		for _, c := range meta.GetDefinedColumn() {
			typ, ok := definedTypes[c.GetType()]
			if !ok {
				return nil, fmt.Errorf("table %q: defined column %q has unknown type %v", t.name, c.GetName(), c.GetType())
			}
			t.defined[c.GetName()] = typ
		}
	}
	for _, im := range desc.GetIndexMetas() {
		ix, err := newIndexTable(t, im)
		if err != nil {
			return nil, err
		}
		t.indexes = append(t.indexes, ix)
	}
	return t, nil
}
