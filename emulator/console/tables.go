package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// SDKTables reads a Tablestore instance with the official SDK.
type SDKTables struct{ Client *tablestore.TableStoreClient }

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
	out := []map[string]any{}
	err := t.scan(ctx, table, limit, func(r *tablestore.Row) {
		out = append(out, rowMap(r))
	})
	return out, err
}

// MarkerFinder finds the rows a message wrote: a TableReader that
// implements it gives journeys their rows.
type MarkerFinder interface {
	// RowsMarked returns the rows, among the first perTable of each
	// table, that carry an idempotency marker of the message.
	RowsMarked(ctx context.Context, messageID string, perTable int) ([]MarkedRow, error)
}

// MarkedRow is a row carrying a message's idempotency markers.
type MarkedRow struct {
	Table string `json:"table"`
	// Row is the row without its bookkeeping columns (_rfn_*).
	Row map[string]any `json:"row"`
	// Markers are the message's marker columns in the row.
	Markers []string `json:"markers"`
	// WrittenAt holds when each write was made, for markers that record
	// it (_rfn_<hash>_<n>); Writes counts the message's writes applied to
	// the row, for markers that count them (_rfn_m<hash>).
	WrittenAt []time.Time `json:"writtenAt"`
	Writes    int64       `json:"writes,omitempty"`
}

// markerHash is the hash that named a message's marker columns in
// runtime/store's previous format, _rfn_<hash>_<n>: the first 12
// bytes of the SHA-256 of its ID, in hex. Rows written before the current
// format may still hold them.
func markerHash(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return hex.EncodeToString(sum[:12])
}

// markerKind tells whether column is a marker of the message whose
// current marker column (store.MarkerColumn) is current and whose
// markerHash is h, and of which form: _rfn_<h>_<n> (the n-th write,
// holding its time in ms, the previous format) or current (holding how
// many writes applied).
func markerKind(column, current, h string) (timed, counted bool) {
	if column == current {
		return false, true
	}
	rest, ok := strings.CutPrefix(column, store.BookkeepingPrefix)
	return ok && strings.HasPrefix(rest, h+"_"), false
}

// RowsMarked reads the first perTable rows of every table and returns
// those carrying a marker of the message, by table.
func (t SDKTables) RowsMarked(ctx context.Context, messageID string, perTable int) ([]MarkedRow, error) {
	h, current := markerHash(messageID), store.MarkerColumn(messageID)
	tables, err := t.List(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(tables)
	out := []MarkedRow{}
	for _, table := range tables {
		err := t.scan(ctx, table, perTable, func(r *tablestore.Row) {
			mr := MarkedRow{Table: table, WrittenAt: []time.Time{}}
			for _, c := range r.Columns {
				timed, counted := markerKind(c.ColumnName, current, h)
				if !timed && !counted {
					continue
				}
				mr.Markers = append(mr.Markers, c.ColumnName)
				v, _ := c.Value.(int64)
				if timed {
					mr.WrittenAt = append(mr.WrittenAt, time.UnixMilli(v).UTC())
				} else {
					mr.Writes += v
				}
			}
			if len(mr.Markers) > 0 {
				mr.Row = rowMap(r)
				out = append(out, mr)
			}
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// scan calls fn with up to limit rows of table in primary-key order.
func (t SDKTables) scan(ctx context.Context, table string, limit int, fn func(*tablestore.Row)) error {
	d, err := t.Client.DescribeTable(&tablestore.DescribeTableRequest{TableName: table})
	if err != nil {
		return fmt.Errorf("describe table %q: %w", table, err)
	}
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, k := range d.TableMeta.SchemaEntry {
		start.AddPrimaryKeyColumnWithMinValue(*k.Name)
		end.AddPrimaryKeyColumnWithMaxValue(*k.Name)
	}
	n := 0
	for start != nil && n < limit {
		if err := ctx.Err(); err != nil {
			return err
		}
		resp, err := t.Client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: &tablestore.RangeRowQueryCriteria{
			TableName: table, StartPrimaryKey: start, EndPrimaryKey: end, MaxVersion: 1, Limit: int32(min(limit-n, 5000)),
		}})
		if err != nil {
			return fmt.Errorf("read table %q: %w", table, err)
		}
		for _, r := range resp.Rows {
			fn(r)
			n++
		}
		start = resp.NextStartPrimaryKey
	}
	return nil
}

func rowMap(r *tablestore.Row) map[string]any {
	m := map[string]any{}
	for _, k := range r.PrimaryKey.PrimaryKeys {
		m[k.ColumnName] = k.Value
	}
	for _, c := range r.Columns {
		if !store.IsBookkeeping(c.ColumnName) {
			m[c.ColumnName] = c.Value
		}
	}
	return m
}
