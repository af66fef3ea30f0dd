package console

import (
	"context"
	"fmt"
	"strings"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// SDKTables reads a Tablestore instance with the official SDK.
type SDKTables struct{ Client *ots.TableStoreClient }

// List returns the instance's tables.
func (t SDKTables) List(ctx context.Context) ([]string, error) {
	resp, err := t.Client.ListTable()
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return resp.TableNames, nil
}

// Rows returns up to limit rows of table, in primary-key order, as column
// name to value, without the idempotency markers (_rfn_*).
func (t SDKTables) Rows(ctx context.Context, table string, limit int) ([]map[string]any, error) {
	d, err := t.Client.DescribeTable(&ots.DescribeTableRequest{TableName: table})
	if err != nil {
		return nil, fmt.Errorf("describe table %q: %w", table, err)
	}
	start, end := new(ots.PrimaryKey), new(ots.PrimaryKey)
	for _, k := range d.TableMeta.SchemaEntry {
		start.AddPrimaryKeyColumnWithMinValue(*k.Name)
		end.AddPrimaryKeyColumnWithMaxValue(*k.Name)
	}
	out := []map[string]any{}
	for start != nil && len(out) < limit {
		resp, err := t.Client.GetRange(&ots.GetRangeRequest{RangeRowQueryCriteria: &ots.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, Limit: int32(limit - len(out)),
		}})
		if err != nil {
			return nil, fmt.Errorf("read table %q: %w", table, err)
		}
		for _, r := range resp.Rows {
			out = append(out, rowMap(r))
		}
		start = resp.NextStartPrimaryKey
	}
	return out, nil
}

func rowMap(r *ots.Row) map[string]any {
	m := map[string]any{}
	for _, k := range r.PrimaryKey.PrimaryKeys {
		m[k.ColumnName] = k.Value
	}
	for _, c := range r.Columns {
		if !strings.HasPrefix(c.ColumnName, "_rfn_") {
			m[c.ColumnName] = c.Value
		}
	}
	return m
}
