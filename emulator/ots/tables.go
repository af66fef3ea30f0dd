package ots

import (
	"cmp"
	"slices"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"github.com/rocketfn/rocketfn/emulator/ots/internal/sdkproto"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Limits of the service on tables.
const (
	maxPKColumns     = 4
	minTTL           = 86400
	defaultDeviation = 86400
)

// validName reports whether name matches [A-Za-z_][A-Za-z0-9_]* and is 1
// to 255 bytes long, as table and column names must.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func checkName(kind, name string) *Error {
	if !validName(name) {
		return invalid("Invalid %s name: %q. It must match [A-Za-z_][A-Za-z0-9_]* and be 1 to 255 bytes long.", kind, name)
	}
	return nil
}

func (s *Server) createTable(req *pb.CreateTableRequest) (answer, error) {
	meta := req.GetTableMeta()
	if err := checkSchema(meta); err != nil {
		return nil, err
	}
	if err := checkStreamSpec(req.GetStreamSpec()); err != nil {
		return nil, err
	}
	if len(meta.GetIndexMeta()) > 0 {
		return nil, invalid("table_meta.index_meta is not how indexes are created: give them in CreateTableRequest.index_metas.")
	}
	opts := &pb.TableOptions{
		TimeToLive:                proto.Int32(-1),
		MaxVersions:               proto.Int32(1),
		DeviationCellVersionInSec: proto.Int64(defaultDeviation),
	}
	if err := mergeOptions(opts, req.GetTableOptions()); err != nil {
		return nil, err
	}
	cu := req.GetReservedThroughput().GetCapacityUnit()
	desc := &pb.DescribeTableResponse{
		TableMeta: meta,
		ReservedThroughputDetails: &pb.ReservedThroughputDetails{
			CapacityUnit:     &pb.CapacityUnit{Read: proto.Int32(cu.GetRead()), Write: proto.Int32(cu.GetWrite())},
			LastIncreaseTime: proto.Int64(s.now().Unix()),
		},
		TableOptions:  opts,
		TableStatus:   pb.TableStatus_ACTIVE.Enum(),
		StreamDetails: disabledDetails(),
	}
	if req.GetStreamSpec().GetEnableStream() {
		desc.StreamDetails = s.enabledDetails(req.GetStreamSpec().GetExpirationTime())
	}
	t, err := newTable(desc)
	if err != nil {
		return nil, invalid("%v", err)
	}
	if err := checkNewIndexes(t, req.GetIndexMetas(), s.tables); err != nil {
		return nil, err
	}
	desc.IndexMetas = req.GetIndexMetas()
	if n := s.tables.count() + 1 + len(desc.IndexMetas); n > s.cfg.MaxTables {
		return nil, errorf(CodeQuotaExhausted, "Number of tables (index tables included) exceeds the quota of %d.", s.cfg.MaxTables)
	}
	var nt *table
	err = s.store.Update(func(w kv.Writer) error {
		if _, err := s.tables.get(t.name); err == nil || w.Get(metaBucket, []byte(t.name)) != nil {
			return errorf(CodeObjectAlreadyExist, "Requested table already exists: %q.", t.name)
		}
		var err error
		if nt, err = s.storeTable(w, desc); err != nil {
			return err
		}
		for _, it := range nt.indexes {
			if err := w.DeleteBucket(it.rowsBucket()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.tables.put(nt)
	s.signal.fire()
	return &pb.CreateTableResponse{}, nil
}

// checkNewIndexes validates the indexes a new table t is created with,
// one after the other, as CreateIndex would.
func checkNewIndexes(t *table, metas []*pb.IndexMeta, c *catalog) *Error {
	for i, im := range metas {
		taken := func(name string) bool {
			if _, err := c.get(name); err == nil || name == t.name {
				return true
			}
			return slices.ContainsFunc(metas[:i], func(m *pb.IndexMeta) bool { return m.GetName() == name })
		}
		if err := checkIndexMeta(t, im, taken); err != nil {
			return err
		}
		it, err := newIndexTable(t, im)
		if err != nil {
			return asError(err)
		}
		t.indexes = append(t.indexes, it)
	}
	return nil
}

// checkSchema validates a new table's name, primary key and defined columns.
func checkSchema(meta *pb.TableMeta) *Error {
	if err := checkName("table", meta.GetTableName()); err != nil {
		return err
	}
	pk := meta.GetPrimaryKey()
	if len(pk) == 0 || len(pk) > maxPKColumns {
		return invalid("The number of primary key columns must be in range: [1, %d], got %d.", maxPKColumns, len(pk))
	}
	seen := map[string]bool{}
	autoInc := 0
	for i, c := range pk {
		if err := checkName("primary key column", c.GetName()); err != nil {
			return err
		}
		if seen[c.GetName()] {
			return invalid("Duplicated primary key column: %q.", c.GetName())
		}
		seen[c.GetName()] = true
		if c.Option != nil && c.GetOption() == pb.PrimaryKeyOption_AUTO_INCREMENT {
			autoInc++
			if i == 0 || c.GetType() != pb.PrimaryKeyType_INTEGER {
				return invalid("AUTO_INCREMENT primary key column %q must be an INTEGER column other than the partition key.", c.GetName())
			}
		}
	}
	if autoInc > 1 {
		return invalid("A table can have at most one AUTO_INCREMENT primary key column, got %d.", autoInc)
	}
	if n := len(meta.GetDefinedColumn()); n > maxDefined {
		return invalid("The table has %d defined columns, more than %d.", n, maxDefined)
	}
	for _, c := range meta.GetDefinedColumn() {
		if err := checkName("defined column", c.GetName()); err != nil {
			return err
		}
		if _, ok := definedTypes[c.GetType()]; !ok {
			return invalid("Defined column %q has unknown type %d.", c.GetName(), c.GetType())
		}
		if seen[c.GetName()] {
			return invalid("Duplicated column name: %q.", c.GetName())
		}
		seen[c.GetName()] = true
	}
	return nil
}

// mergeOptions validates the options set in o and copies them into opts.
func mergeOptions(opts, o *pb.TableOptions) *Error {
	if o == nil {
		return nil
	}
	if o.TimeToLive != nil {
		if ttl := o.GetTimeToLive(); ttl != -1 && ttl < minTTL {
			return invalid("time_to_live must be -1 or at least %d seconds, got %d.", minTTL, ttl)
		}
		opts.TimeToLive = proto.Int32(o.GetTimeToLive())
	}
	if o.MaxVersions != nil {
		if o.GetMaxVersions() < 1 {
			return invalid("max_versions must be at least 1, got %d.", o.GetMaxVersions())
		}
		opts.MaxVersions = proto.Int32(o.GetMaxVersions())
	}
	if o.DeviationCellVersionInSec != nil {
		if o.GetDeviationCellVersionInSec() < 1 {
			return invalid("deviation_cell_version_in_sec must be positive, got %d.", o.GetDeviationCellVersionInSec())
		}
		opts.DeviationCellVersionInSec = proto.Int64(o.GetDeviationCellVersionInSec())
	}
	return nil
}

func (s *Server) listTable(*pb.ListTableRequest) (answer, error) {
	return &pb.ListTableResponse{TableNames: s.tables.names()}, nil
}

func (s *Server) describeTable(req *pb.DescribeTableRequest) (answer, error) {
	t, err := s.tables.get(req.GetTableName())
	if err != nil {
		return nil, err
	}
	return t.desc, nil
}

func (s *Server) updateTable(req *pb.UpdateTableRequest) (answer, error) {
	if t, err := s.tables.get(req.GetTableName()); err == nil && t.index != nil {
		return nil, invalid("Table %q is an index table: its options are those of table %q.", t.name, t.index.main)
	}
	var nt *table
	var desc *pb.DescribeTableResponse
	err := s.store.Update(func(w kv.Writer) error {
		old := w.Get(metaBucket, []byte(req.GetTableName()))
		if old == nil {
			return tableNotExist(req.GetTableName())
		}
		desc = new(pb.DescribeTableResponse)
		if err := sdkproto.Unmarshal(old, desc); err != nil {
			return err
		}
		if err := mergeOptions(desc.TableOptions, req.GetTableOptions()); err != nil {
			return err
		}
		if o := desc.TableOptions; len(desc.IndexMetas) > 0 && (o.GetMaxVersions() != 1 || o.GetTimeToLive() != -1) {
			return invalid("Table %q has secondary indexes: it must keep max_versions 1 and time_to_live -1.", req.GetTableName())
		}
		if cu := req.GetReservedThroughput().GetCapacityUnit(); cu != nil {
			d := desc.ReservedThroughputDetails
			if cu.Read != nil {
				d.CapacityUnit.Read = proto.Int32(cu.GetRead())
			}
			if cu.Write != nil {
				d.CapacityUnit.Write = proto.Int32(cu.GetWrite())
			}
			d.LastIncreaseTime = proto.Int64(s.now().Unix())
		}
		if err := s.applyStreamSpec(w, desc, req.GetStreamSpec()); err != nil {
			return err
		}
		var err error
		nt, err = s.storeTable(w, desc)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.tables.put(nt)
	s.signal.fire()
	return &pb.UpdateTableResponse{
		ReservedThroughputDetails: desc.ReservedThroughputDetails,
		TableOptions:              desc.TableOptions,
		StreamDetails:             cmp.Or(desc.StreamDetails, disabledDetails()),
	}, nil
}

func (s *Server) deleteTable(req *pb.DeleteTableRequest) (answer, error) {
	name := req.GetTableName()
	if t, err := s.tables.get(name); err == nil && t.index != nil {
		return nil, invalid("Table %q is an index of table %q: drop it with DeleteIndex.", name, t.index.main)
	}
	err := s.store.Update(func(w kv.Writer) error {
		b := w.Get(metaBucket, []byte(name))
		if b == nil {
			return tableNotExist(name)
		}
		t, err := decodeTable(b)
		if err != nil {
			return err
		}
		for _, it := range t.indexes {
			if err := w.DeleteBucket(it.rowsBucket()); err != nil {
				return err
			}
		}
		if t.stream != nil {
			if err := dropStream(w, t.stream); err != nil {
				return err
			}
		}
		if err := w.Delete(metaBucket, []byte(name)); err != nil {
			return err
		}
		if err := w.Delete(autoIncBucket, []byte(name)); err != nil {
			return err
		}
		return w.DeleteBucket(rowsPrefix + name)
	})
	if err != nil {
		return nil, err
	}
	s.tables.remove(name)
	s.txns.dropTable(name)
	s.signal.fire()
	return nil, nil // the SDK requires an empty body
}

func (s *Server) computeSplitPoints(req *pb.ComputeSplitPointsBySizeRequest) (answer, error) {
	t, err := s.tables.get(req.GetTableName())
	if err != nil {
		return nil, err
	}
	if req.GetSplitSize() <= 0 {
		return nil, invalid("split_size must be positive, got %d.", req.GetSplitSize())
	}
	// One split covers the whole table: a local instance has one partition.
	return &pb.ComputeSplitPointsBySizeResponse{
		Consumed:  consumed(1, 0),
		Schema:    t.desc.GetTableMeta().GetPrimaryKey(),
		Locations: []*pb.ComputeSplitPointsBySizeResponse_SplitLocation{{Location: proto.String(""), Repeat: proto.Int64(1)}},
	}, nil
}

func consumed(read, write int32) *pb.ConsumedCapacity {
	return &pb.ConsumedCapacity{CapacityUnit: &pb.CapacityUnit{Read: proto.Int32(read), Write: proto.Int32(write)}}
}
