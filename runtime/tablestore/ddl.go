package tablestore

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
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
// infrastructure. An existing table is left as it is.
func (t *Table[T]) Ensure(ctx context.Context, opts TableOptions) error {
	client, err := t.db.client(ctx)
	if err != nil {
		return err
	}
	meta := &ots.TableMeta{TableName: t.name}
	for _, c := range t.s.pk {
		typ := map[colKind]ots.PrimaryKeyType{kindInteger: ots.PrimaryKeyType_INTEGER,
			kindString: ots.PrimaryKeyType_STRING, kindBinary: ots.PrimaryKeyType_BINARY}[c.kind]
		if c.autoInc {
			meta.AddPrimaryKeyColumnOption(c.name, typ, ots.AUTO_INCREMENT)
		} else {
			meta.AddPrimaryKeyColumn(c.name, typ)
		}
	}
	if opts.TTL == 0 {
		opts.TTL = -1
	}
	opts.MaxVersions = max(opts.MaxVersions, 1)
	_, err = client.CreateTable(&ots.CreateTableRequest{
		TableMeta:          meta,
		TableOption:        &ots.TableOption{TimeToAlive: opts.TTL, MaxVersion: opts.MaxVersions},
		ReservedThroughput: &ots.ReservedThroughput{},
	})
	var oe *ots.OtsError
	if errors.As(err, &oe) && oe.Code == "OTSObjectAlreadyExist" {
		return nil
	}
	if err != nil {
		return serviceError(t.name, err)
	}
	return nil
}

// Append writes v as a new row whose autoincrement primary-key column the
// service generates, and returns v with it. It applies at once, even
// inside an invocation, and is not deduplicated: each delivery of a
// message that appends adds a row.
func (t *Table[T]) Append(ctx context.Context, v T) (T, error) {
	rv := reflect.ValueOf(&v).Elem()
	auto := -1
	for i, c := range t.s.pk {
		if c.autoInc {
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
	ch := &ots.PutRowChange{TableName: t.name, PrimaryKey: t.s.primaryKey(rv, true)}
	for i := range t.s.attrs {
		c := &t.s.attrs[i]
		if !(c.omitEmpty && rv.FieldByIndex(c.index).IsZero()) {
			ch.AddColumn(c.name, c.value(rv))
		}
	}
	ch.SetCondition(ots.RowExistenceExpectation_IGNORE)
	ch.SetReturnPk()
	resp, err := client.PutRow(&ots.PutRowRequest{PutRowChange: ch})
	if err != nil {
		return v, serviceError(t.name, err)
	}
	for _, c := range resp.PrimaryKey.PrimaryKeys {
		if c.ColumnName == t.s.pk[auto].name {
			if err := t.s.pk[auto].set(rv, c.Value); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}
