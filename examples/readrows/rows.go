package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/runtime/store"
)

// printRows prints the rows of table in primary-key order, one a line,
// at most limit of them (0 for all), and returns how many it printed.
func printRows(ctx context.Context, client *tablestore.TableStoreClient, table string, limit int, out io.Writer) (int, error) {
	pk, err := primaryKey(client, table)
	if err != nil {
		return 0, err
	}
	criteria := &tablestore.RangeRowQueryCriteria{
		TableName:       table,
		StartPrimaryKey: bound(pk, (*tablestore.PrimaryKey).AddPrimaryKeyColumnWithMinValue),
		EndPrimaryKey:   bound(pk, (*tablestore.PrimaryKey).AddPrimaryKeyColumnWithMaxValue),
		Direction:       tablestore.FORWARD,
		MaxVersion:      1,
	}
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		resp, err := client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: criteria})
		if err != nil {
			return n, fmt.Errorf("GetRange: %w", err)
		}
		for _, row := range resp.Rows {
			if limit > 0 && n == limit {
				return n, nil
			}
			fmt.Fprintln(out, formatRow(row))
			n++
		}
		if resp.NextStartPrimaryKey == nil {
			return n, nil
		}
		criteria.StartPrimaryKey = resp.NextStartPrimaryKey
	}
}

// primaryKey returns the names of table's primary-key columns, in order.
func primaryKey(client *tablestore.TableStoreClient, table string) ([]string, error) {
	resp, err := client.DescribeTable(&tablestore.DescribeTableRequest{TableName: table})
	if err != nil {
		return nil, fmt.Errorf("DescribeTable: %w", err)
	}
	var names []string
	for _, col := range resp.TableMeta.SchemaEntry {
		names = append(names, *col.Name)
	}
	return names, nil
}

// bound is the primary key with every column of names set by add: to
// INF_MIN for the start of a full range, INF_MAX for its end.
func bound(names []string, add func(*tablestore.PrimaryKey, string)) *tablestore.PrimaryKey {
	pk := new(tablestore.PrimaryKey)
	for _, name := range names {
		add(pk, name)
	}
	return pk
}

// formatRow renders a row as name=value pairs: the primary key, then the
// attribute columns by name, without idempotency markers.
func formatRow(row *tablestore.Row) string {
	var fields []string
	for _, col := range row.PrimaryKey.PrimaryKeys {
		fields = append(fields, fmt.Sprintf("%s=%v", col.ColumnName, col.Value))
	}
	var attrs []string
	for _, col := range row.Columns {
		if !store.IsBookkeeping(col.ColumnName) { // runtime/store's idempotency columns
			attrs = append(attrs, fmt.Sprintf("%s=%v", col.ColumnName, col.Value))
		}
	}
	slices.Sort(attrs)
	return strings.Join(append(fields, attrs...), " ")
}
