package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/internal/rowtype"
)

// TableOptions are the settings Ensure creates a table with.
type TableOptions struct {
	// TTL is how long data lives, in seconds; 0 or -1 keeps it forever.
	// The service takes -1 or at least 86400.
	TTL int
	// MaxVersions is how many versions of a column are kept (1 when 0).
	MaxVersions int
}

// Ensure creates the table with T's primary key if it does not exist, for
// local runs and tests; deployments create tables with their
// infrastructure. An existing table's settings are left as they are.
//
// Ensure also creates indexes, global secondary indexes of t (NewIndex),
// with the table. A table with indexes keeps one version of each column
// for ever (TTL and MaxVersions 0 or 1), and declares T's attribute
// columns with their types as its defined columns, which an index's
// columns must be: at most 32. On an existing table Ensure creates the
// indexes it lacks, over the rows it has (its defined columns must
// include theirs), and fails on an index of the same name with other
// index columns.
func (t *Table[T]) Ensure(ctx context.Context, opts TableOptions, indexes ...*Index[T]) error {
	if opts.TTL == 0 {
		opts.TTL = -1
	}
	opts.MaxVersions = max(opts.MaxVersions, 1)
	if err := t.checkIndexes(opts, indexes); err != nil {
		return err
	}
	client, err := t.db.client(ctx)
	if err != nil {
		return err
	}
	meta := &tablestore.TableMeta{TableName: t.name}
	for _, c := range t.s.PK {
		typ := map[rowtype.Kind]tablestore.PrimaryKeyType{rowtype.Integer: tablestore.PrimaryKeyType_INTEGER,
			rowtype.String: tablestore.PrimaryKeyType_STRING, rowtype.Binary: tablestore.PrimaryKeyType_BINARY}[c.Kind]
		if c.AutoInc {
			meta.AddPrimaryKeyColumnOption(c.Name, typ, tablestore.AUTO_INCREMENT)
		} else {
			meta.AddPrimaryKeyColumn(c.Name, typ)
		}
	}
	req := &tablestore.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &tablestore.TableOption{TimeToAlive: opts.TTL, MaxVersion: opts.MaxVersions},
		ReservedThroughput: &tablestore.ReservedThroughput{},
	}
	if len(indexes) > 0 {
		for _, c := range t.s.Attrs {
			meta.AddDefinedColumn(c.Name, definedTypes[c.Kind])
		}
		for _, x := range indexes {
			req.AddIndexMeta(x.indexMeta())
		}
	}
	_, err = client.CreateTable(req)
	if alreadyExists(err) {
		return t.ensureIndexes(ctx, indexes)
	}
	if err != nil {
		return serviceError(t.name, err)
	}
	return nil
}

var definedTypes = map[rowtype.Kind]tablestore.DefinedColumnType{
	rowtype.Integer: tablestore.DefinedColumn_INTEGER, rowtype.String: tablestore.DefinedColumn_STRING,
	rowtype.Binary: tablestore.DefinedColumn_BINARY, rowtype.Boolean: tablestore.DefinedColumn_BOOLEAN,
	rowtype.Double: tablestore.DefinedColumn_DOUBLE,
}

// checkIndexes refuses indexes the service would refuse with opts.
func (t *Table[T]) checkIndexes(opts TableOptions, indexes []*Index[T]) error {
	if len(indexes) == 0 {
		return nil
	}
	switch {
	case len(indexes) > maxIndexes:
		return fmt.Errorf("tablestore: table %q: %d indexes, at most %d", t.name, len(indexes), maxIndexes)
	case opts.MaxVersions != 1:
		return fmt.Errorf("tablestore: table %q: a table with indexes keeps 1 version, not %d", t.name, opts.MaxVersions)
	case opts.TTL != -1:
		return fmt.Errorf("tablestore: table %q: a table with indexes keeps its data for ever (TTL -1), not %d s", t.name, opts.TTL)
	case len(t.s.Attrs) > maxDefinedCols:
		return fmt.Errorf("tablestore: table %q: a table with indexes declares its attribute columns, at most %d, and %s has %d", t.name, maxDefinedCols, t.s.Type, len(t.s.Attrs))
	}
	seen := map[string]bool{}
	for _, x := range indexes {
		switch {
		case x.t.name != t.name:
			return fmt.Errorf("tablestore: index %q is of table %q, not %q", x.name, x.t.name, t.name)
		case seen[x.name]:
			return fmt.Errorf("tablestore: table %q: two indexes are named %q", t.name, x.name)
		}
		seen[x.name] = true
	}
	return nil
}

// ensureIndexes creates those of indexes the existing table lacks.
func (t *Table[T]) ensureIndexes(ctx context.Context, indexes []*Index[T]) error {
	if len(indexes) == 0 {
		return nil
	}
	have, err := t.describeIndexes(ctx)
	if err != nil {
		return err
	}
	for _, x := range indexes {
		if m, ok := have[x.name]; ok {
			if err := x.sameAs(m); err != nil {
				return err
			}
			continue
		}
		client, err := t.db.client(ctx)
		if err != nil {
			return err
		}
		_, err = client.CreateIndex(&tablestore.CreateIndexRequest{MainTableName: t.name, IndexMeta: x.indexMeta(), IncludeBaseData: true})
		if alreadyExists(err) { // created meanwhile, or the name of a table
			if have, derr := t.describeIndexes(ctx); derr == nil && have[x.name] != nil {
				err = x.sameAs(have[x.name])
			}
		}
		if err != nil {
			return serviceErrorOn(t.name, x.name, err)
		}
	}
	return nil
}

// describeIndexes returns the table's indexes by name.
func (t *Table[T]) describeIndexes(ctx context.Context) (map[string]*tablestore.IndexMeta, error) {
	client, err := t.db.client(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := client.DescribeTable(&tablestore.DescribeTableRequest{TableName: t.name})
	if err != nil {
		return nil, serviceError(t.name, err)
	}
	have := map[string]*tablestore.IndexMeta{}
	for _, m := range resp.IndexMetas {
		have[m.IndexName] = m
	}
	return have, nil
}

// sameAs checks that the existing index m has x's index columns.
func (x *Index[T]) sameAs(m *tablestore.IndexMeta) error {
	if !slices.Equal(m.Primarykey, x.cols) {
		return fmt.Errorf("tablestore: index %q of table %q exists with index columns %q, not %q", x.name, x.t.name, m.Primarykey, x.cols)
	}
	return nil
}

func alreadyExists(err error) bool {
	var oe *tablestore.OtsError
	return errors.As(err, &oe) && oe.Code == "OTSObjectAlreadyExist"
}

// Append writes v as a new row whose autoincrement primary-key column the
// service generates, and returns v with it. It applies at once, even
// inside an invocation, and is not deduplicated: each delivery of a
// message that appends adds a row.
func (t *Table[T]) Append(ctx context.Context, v T) (T, error) {
	rv := reflect.ValueOf(&v).Elem()
	auto := -1
	for i, c := range t.s.PK {
		if c.AutoInc {
			auto = i
		}
	}
	if auto < 0 {
		return v, fmt.Errorf("tablestore: %s has no autoincrement column; use Put", t.name)
	}
	client, err := t.db.client(ctx)
	if err != nil {
		return v, err
	}
	ch := &tablestore.PutRowChange{TableName: t.name, PrimaryKey: primaryKey(t.s, rv, true)}
	for i := range t.s.Attrs {
		c := &t.s.Attrs[i]
		if !(c.OmitEmpty && rv.FieldByIndex(c.Index).IsZero()) {
			ch.AddColumn(c.Name, c.Value(rv))
		}
	}
	ch.SetCondition(tablestore.RowExistenceExpectation_IGNORE)
	ch.SetReturnPk()
	resp, err := client.PutRow(&tablestore.PutRowRequest{PutRowChange: ch})
	if err != nil {
		return v, serviceError(t.name, err)
	}
	for _, c := range resp.PrimaryKey.PrimaryKeys {
		if c.ColumnName == t.s.PK[auto].Name {
			if err := t.s.PK[auto].Set(rv, c.Value); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}
