package ots

import (
	"bytes"
	"slices"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// Limits of the service on secondary indexes.
const (
	maxIndexes      = 5  // per data table
	maxIndexColumns = 4  // index columns of one index
	maxIndexAttrs   = 32 // attribute columns of one index
	maxDefined      = 32 // defined columns of a table
)

// definedTypes maps the types of defined columns to value types.
var definedTypes = map[pb.DefinedColumnType]plainbuf.Type{
	pb.DefinedColumnType_DCT_INTEGER: plainbuf.Integer,
	pb.DefinedColumnType_DCT_DOUBLE:  plainbuf.Double,
	pb.DefinedColumnType_DCT_BOOLEAN: plainbuf.Boolean,
	pb.DefinedColumnType_DCT_STRING:  plainbuf.String,
	pb.DefinedColumnType_DCT_BLOB:    plainbuf.Binary,
}

// index is a secondary index: how the rows of its index table derive from
// the rows of its data table. The index table's primary key is the index
// columns, then the data table's primary-key columns that are not among
// them; its attribute columns are the defined columns the index carries.
type index struct {
	main  string
	meta  *pb.IndexMeta
	key   []indexColumn // the index table's primary key, in order
	attrs []string
}

// indexColumn is one primary-key column of an index table: a primary-key
// column of the data table (pk >= 0, its position) or a defined column.
type indexColumn struct {
	name string
	pk   int
}

// newIndexTable derives the index table of im on data table t, whose
// description has been validated.
func newIndexTable(t *table, im *pb.IndexMeta) (*table, error) {
	ix := &index{main: t.name, meta: im, attrs: im.GetDefinedColumn()}
	it := &table{name: im.GetName(), ttl: -1, maxVersions: 1, deviation: t.deviation, index: ix}
	meta := &pb.TableMeta{TableName: proto.String(it.name)}
	add := func(name string, pos int, typ plainbuf.Type) {
		ix.key = append(ix.key, indexColumn{name: name, pk: pos})
		it.pk = append(it.pk, pkColumn{name: name, typ: typ})
		meta.PrimaryKey = append(meta.PrimaryKey, &pb.PrimaryKeySchema{Name: proto.String(name), Type: pkTypes[typ].Enum()})
	}
	for _, name := range im.GetPrimaryKey() {
		if pos := t.pkIndex(name); pos >= 0 {
			add(name, pos, t.pk[pos].typ)
		} else if typ, ok := t.defined[name]; ok {
			add(name, -1, typ)
		} else {
			return nil, invalid("Index %q: column %q is neither a primary key column nor a defined column of table %q.", im.GetName(), name, t.name)
		}
	}
	for pos, c := range t.pk {
		if !slices.Contains(im.GetPrimaryKey(), c.name) {
			add(c.name, pos, c.typ)
		}
	}
	it.desc = &pb.DescribeTableResponse{
		TableMeta:                 meta,
		ReservedThroughputDetails: t.desc.GetReservedThroughputDetails(),
		TableOptions: &pb.TableOptions{
			TimeToLive:                proto.Int32(-1),
			MaxVersions:               proto.Int32(1),
			DeviationCellVersionInSec: proto.Int64(t.deviation),
		},
		TableStatus:   pb.TableStatus_ACTIVE.Enum(),
		StreamDetails: &pb.StreamDetails{EnableStream: proto.Bool(false)},
	}
	return it, nil
}

var pkTypes = map[plainbuf.Type]pb.PrimaryKeyType{
	plainbuf.Integer: pb.PrimaryKeyType_INTEGER,
	plainbuf.String:  pb.PrimaryKeyType_STRING,
	plainbuf.Binary:  pb.PrimaryKeyType_BINARY,
}

// pkIndex is the position of primary-key column name, or -1.
func (t *table) pkIndex(name string) int {
	return slices.IndexFunc(t.pk, func(c pkColumn) bool { return c.name == name })
}

// checkIndexMeta validates a new index of data table t as the service
// does. names reports whether a table or index name is taken.
func checkIndexMeta(t *table, im *pb.IndexMeta, taken func(string) bool) *Error {
	name := im.GetName()
	if err := checkName("index", name); err != nil {
		return err
	}
	if t.index != nil {
		return invalid("Table %q is an index table: indexes are created on data tables.", t.name)
	}
	if t.maxVersions != 1 {
		return invalid("Table %q keeps %d versions: a table with secondary indexes must have max_versions 1.", t.name, t.maxVersions)
	}
	if t.ttl != -1 {
		return invalid("Table %q has time_to_live %d: a table with secondary indexes must have time_to_live -1.", t.name, t.ttl)
	}
	if len(t.indexes) >= maxIndexes {
		return errorf(CodeQuotaExhausted, "Table %q has %d indexes, the most a table can have.", t.name, len(t.indexes))
	}
	if taken(name) {
		return errorf(CodeObjectAlreadyExist, "The index name %q is taken: index and table names are unique within an instance.", name)
	}
	keys := im.GetPrimaryKey()
	if len(keys) == 0 || len(keys) > maxIndexColumns {
		return invalid("Index %q has %d index columns, want 1 to %d.", name, len(keys), maxIndexColumns)
	}
	if pos := t.pkIndex(keys[0]); pos >= 0 && t.pk[pos].autoInc {
		return invalid("Index %q: the first index column %q is an AUTO_INCREMENT column.", name, keys[0])
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			return invalid("Index %q: column %q is listed twice.", name, k)
		}
		seen[k] = true
		if t.pkIndex(k) >= 0 {
			continue
		}
		typ, ok := t.defined[k]
		if !ok {
			return invalid("Index %q: index column %q is neither a primary key column nor a defined column of table %q.", name, k, t.name)
		}
		if _, ok := pkTypes[typ]; !ok {
			return invalid("Index %q: index column %q is %s; index columns are STRING, INTEGER or BINARY.", name, k, typ)
		}
	}
	attrs := im.GetDefinedColumn()
	if len(attrs) > maxIndexAttrs {
		return invalid("Index %q has %d attribute columns, more than %d.", name, len(attrs), maxIndexAttrs)
	}
	for _, a := range attrs {
		if seen[a] {
			return invalid("Index %q: column %q is listed twice.", name, a)
		}
		seen[a] = true
		if _, ok := t.defined[a]; !ok {
			return invalid("Index %q: attribute column %q is not a defined column of table %q.", name, a, t.name)
		}
	}
	switch im.GetIndexType() {
	case pb.IndexType_IT_GLOBAL_INDEX:
		if im.GetIndexUpdateMode() != pb.IndexUpdateMode_IUM_ASYNC_INDEX {
			return invalid("Index %q: a global index is updated asynchronously (IUM_ASYNC_INDEX).", name)
		}
	case pb.IndexType_IT_LOCAL_INDEX:
		if im.GetIndexUpdateMode() != pb.IndexUpdateMode_IUM_SYNC_INDEX {
			return invalid("Index %q: a local index is updated synchronously (IUM_SYNC_INDEX).", name)
		}
		if keys[0] != t.pk[0].name {
			return invalid("Index %q: the first index column of a local index must be the partition key %q.", name, t.pk[0].name)
		}
	default:
		return invalid("Index %q: unknown index type %d.", name, im.GetIndexType())
	}
	return nil
}

// indexed reports whether column name feeds an index of t.
func (t *table) indexed(name string) bool {
	for _, it := range t.indexes {
		if slices.Contains(it.index.meta.GetPrimaryKey(), name) || slices.Contains(it.index.attrs, name) {
			return true
		}
	}
	return false
}

// checkIndexedCell refuses a value an index could not hold: a defined
// column that feeds an index must be written with its defined type, and
// an index column's value must fit a primary key.
func (t *table) checkIndexedCell(c plainbuf.Cell) *Error {
	if len(t.indexes) == 0 || !c.HasValue || c.Op != plainbuf.OpPut {
		return nil
	}
	typ, ok := t.defined[c.Name]
	if !ok || !t.indexed(c.Name) {
		return nil
	}
	if c.Value.Type != typ {
		return invalid("Column %q is a defined column of type %s that an index uses; the write gives it %s.", c.Name, typ, c.Value.Type)
	}
	if (typ == plainbuf.String || typ == plainbuf.Binary) && len(c.Value.Bytes) > maxPKValueSize {
		for _, it := range t.indexes {
			if slices.Contains(it.index.meta.GetPrimaryKey(), c.Name) {
				return invalid("Column %q is an index column of %q: its value is %d bytes, more than the %d a primary key value may have.", c.Name, it.name, len(c.Value.Bytes), maxPKValueSize)
			}
		}
	}
	return nil
}

// entry is the index row of data row r, and false when r lacks an index
// column (or holds one of another type) and so is not in the index.
func (ix *index) entry(r *row) (*row, bool) {
	out := &row{pk: make([]plainbuf.Cell, len(ix.key))}
	for i, k := range ix.key {
		if k.pk >= 0 {
			out.pk[i] = plainbuf.Cell{Name: k.name, Value: r.pk[k.pk].Value, HasValue: true}
			continue
		}
		c, ok := newest(r.cells, k.name)
		if !ok {
			return nil, false
		}
		if _, pkType := pkTypes[c.Value.Type]; !pkType {
			return nil, false
		}
		out.pk[i] = plainbuf.Cell{Name: k.name, Value: c.Value, HasValue: true}
	}
	for _, a := range ix.attrs {
		if c, ok := newest(r.cells, a); ok {
			c.Op = plainbuf.OpPut
			out.cells = append(out.cells, c)
		}
	}
	sortCells(out.cells)
	return out, true
}

// updateIndexes brings the index tables of t in line with a change of one
// of its rows from old to new (nil: absent), within the Update w.
func updateIndexes(w kv.Writer, t *table, old, new *row) error {
	for _, it := range t.indexes {
		var oldKey []byte
		if old != nil {
			if e, ok := it.index.entry(old); ok {
				oldKey = appendKey(nil, e.pk)
			}
		}
		var newEntry *row
		var newKey []byte
		if new != nil {
			if e, ok := it.index.entry(new); ok {
				newEntry, newKey = e, appendKey(nil, e.pk)
			}
		}
		if oldKey != nil && !bytes.Equal(oldKey, newKey) {
			if err := w.Delete(it.rowsBucket(), oldKey); err != nil {
				return err
			}
		}
		if newEntry != nil {
			if err := w.Put(it.rowsBucket(), newKey, newEntry.encode()); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeRow puts (r != nil) or deletes the row of t at key within the
// Update w, keeping t's indexes in line.
func writeRow(w kv.Writer, t *table, key []byte, r *row) error {
	if len(t.indexes) > 0 {
		old, err := readRow(w, t, key)
		if err != nil {
			return err
		}
		if err := updateIndexes(w, t, old, r); err != nil {
			return err
		}
	}
	if r == nil {
		return w.Delete(t.rowsBucket(), key)
	}
	return w.Put(t.rowsBucket(), key, r.encode())
}

// buildIndex fills the index table it from every row of data table t.
func buildIndex(w kv.Writer, t, it *table) error {
	var derr error
	err := w.Scan(t.rowsBucket(), nil, nil, false, func(_, b []byte) bool {
		var r *row
		if r, derr = decodeRow(b); derr != nil {
			return false
		}
		if e, ok := it.index.entry(r); ok {
			derr = w.Put(it.rowsBucket(), appendKey(nil, e.pk), e.encode())
		}
		return derr == nil
	})
	if derr != nil {
		return derr
	}
	return err
}

// liveTable returns the version of t stored now, within an Update or
// View: the request may have looked t up before a change of its schema or
// indexes committed. It fails when t was deleted since.
func (s *Server) liveTable(r kv.Reader, t *table) (*table, error) {
	name := t.name
	if t.index != nil {
		name = t.index.main
	}
	b := r.Get(metaBucket, []byte(name))
	if b == nil {
		return nil, tableNotExist(t.name)
	}
	if t.index != nil {
		return t, nil
	}
	return s.tables.current(t, b)
}

func (s *Server) createIndex(req *pb.CreateIndexRequest) (answer, error) {
	im := req.GetIndexMeta()
	var nt *table
	err := s.store.Update(func(w kv.Writer) error {
		found, gerr := s.tables.get(req.GetMainTableName())
		if gerr != nil {
			return gerr
		}
		t, err := s.liveTable(w, found)
		if err != nil {
			return err
		}
		if err := s.addIndex(t, im); err != nil {
			return err
		}
		desc := sdkproto.Clone(t.desc)
		desc.IndexMetas = append(desc.IndexMetas, im)
		if nt, err = s.storeTable(w, desc); err != nil {
			return err
		}
		it := nt.indexes[len(nt.indexes)-1]
		if err := w.DeleteBucket(it.rowsBucket()); err != nil {
			return err
		}
		if req.GetIncludeBaseData() {
			return buildIndex(w, nt, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.tables.put(nt)
	return &pb.CreateIndexResponse{}, nil
}

// addIndex checks that index im can be added to t.
func (s *Server) addIndex(t *table, im *pb.IndexMeta) *Error {
	if s.tables.count() >= s.cfg.MaxTables {
		return errorf(CodeQuotaExhausted, "Number of tables (index tables included) exceeds the quota of %d.", s.cfg.MaxTables)
	}
	return checkIndexMeta(t, im, func(name string) bool {
		_, err := s.tables.get(name)
		return err == nil
	})
}

func (s *Server) dropIndex(req *pb.DropIndexRequest) (answer, error) {
	var nt *table
	err := s.store.Update(func(w kv.Writer) error {
		found, gerr := s.tables.get(req.GetMainTableName())
		if gerr != nil {
			return gerr
		}
		if found.index != nil {
			return invalid("Table %q is an index table, not a data table.", found.name)
		}
		t, err := s.liveTable(w, found)
		if err != nil {
			return err
		}
		desc := sdkproto.Clone(t.desc)
		i := slices.IndexFunc(desc.IndexMetas, func(im *pb.IndexMeta) bool { return im.GetName() == req.GetIndexName() })
		if i < 0 {
			return errorf(CodeObjectNotExist, "Requested index does not exist: %q on table %q.", req.GetIndexName(), t.name)
		}
		desc.IndexMetas = slices.Delete(desc.IndexMetas, i, i+1)
		if nt, err = s.storeTable(w, desc); err != nil {
			return err
		}
		return w.DeleteBucket(rowsPrefix + req.GetIndexName())
	})
	if err != nil {
		return nil, err
	}
	s.tables.put(nt)
	return &pb.DropIndexResponse{}, nil
}

// storeTable writes a data table's description and returns the table it
// describes.
func (s *Server) storeTable(w kv.Writer, desc *pb.DescribeTableResponse) (*table, error) {
	b, err := sdkproto.Marshal(desc)
	if err != nil {
		return nil, err
	}
	if err := w.Put(metaBucket, []byte(desc.GetTableMeta().GetTableName()), b); err != nil {
		return nil, err
	}
	return decodeTable(b)
}
