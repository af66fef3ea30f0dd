package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// maxRangeRows is the most rows one GetRange asks for.
const maxRangeRows = 5000

// scanResult is the rows of a table as "tables --scan" prints them.
type scanResult struct {
	Table   string           `json:"table"`
	Columns []string         `json:"columns"` // primary key first, then the others by name
	Rows    []map[string]any `json:"rows"`
	More    bool             `json:"more"` // rows beyond --limit were left out
}

// scanTable prints the rows of f.scan in primary-key order.
func scanTable(client *tablestore.TableStoreClient, f tablesFlags, w io.Writer) error {
	pk, err := describePK(client, f.scan)
	if err != nil {
		return err
	}
	rows, more, err := readRows(client, f.scan, pk, f.limit)
	if err != nil {
		return err
	}
	res := toScanResult(f.scan, pk, rows, f.markers)
	res.More = more
	if f.asJSON {
		return writeJSON(w, res)
	}
	return printScan(w, res, f.limit)
}

// readRows reads up to limit rows (all for 0) of table, whose primary key
// is pk, and reports whether more follow.
func readRows(client *tablestore.TableStoreClient, table string, pk []pkInfo, limit int) ([]*tablestore.Row, bool, error) {
	start, end := new(tablestore.PrimaryKey), new(tablestore.PrimaryKey)
	for _, c := range pk {
		start.AddPrimaryKeyColumnWithMinValue(c.Name)
		end.AddPrimaryKeyColumnWithMaxValue(c.Name)
	}
	var rows []*tablestore.Row
	for start != nil {
		crit := &tablestore.RangeRowQueryCriteria{TableName: table, StartPrimaryKey: start, EndPrimaryKey: end,
			MaxVersion: 1, Direction: tablestore.FORWARD, Limit: maxRangeRows}
		if limit > 0 {
			crit.Limit = int32(min(limit-len(rows)+1, maxRangeRows)) // one more tells whether there are more
		}
		resp, err := client.GetRange(&tablestore.GetRangeRequest{RangeRowQueryCriteria: crit})
		if err != nil {
			return nil, false, fmt.Errorf("scan table %s: %w", table, err)
		}
		rows = append(rows, resp.Rows...)
		if limit > 0 && len(rows) > limit {
			return rows[:limit], true, nil
		}
		start = resp.NextStartPrimaryKey
	}
	return rows, false, nil
}

// toScanResult turns SDK rows into columns and values, leaving out the
// marker columns unless markers is set.
func toScanResult(table string, pk []pkInfo, rows []*tablestore.Row, markers bool) scanResult {
	res := scanResult{Table: table, Rows: make([]map[string]any, 0, len(rows))}
	attrs := map[string]bool{}
	for _, r := range rows {
		row := map[string]any{}
		if r.PrimaryKey != nil {
			for _, c := range r.PrimaryKey.PrimaryKeys {
				row[c.ColumnName] = c.Value
			}
		}
		for _, c := range r.Columns {
			if markers || !store.IsBookkeeping(c.ColumnName) {
				row[c.ColumnName] = c.Value
				attrs[c.ColumnName] = true
			}
		}
		res.Rows = append(res.Rows, row)
	}
	for _, c := range pk {
		res.Columns = append(res.Columns, c.Name)
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	res.Columns = append(res.Columns, names...)
	return res
}

// printScan prints the rows as a table, one line each.
func printScan(w io.Writer, res scanResult, limit int) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
	for _, row := range res.Rows {
		cells := make([]string, len(res.Columns))
		for i, col := range res.Columns {
			if v, ok := row[col]; ok {
				cells[i] = formatCell(v)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	more := ""
	if res.More {
		more = fmt.Sprintf(", the first %d (--limit 0 prints all)", limit)
	}
	_, err := fmt.Fprintf(w, "%d row(s) of %s%s\n", len(res.Rows), res.Table, more)
	return err
}

// formatCell is a value as text: strings as they are unless they hold
// tabs or line breaks, binary as base64.
func formatCell(v any) string {
	switch x := v.(type) {
	case string:
		if strings.ContainsAny(x, "\t\r\n") {
			return strconv.Quote(x)
		}
		return x
	case []byte:
		return "base64:" + base64.StdEncoding.EncodeToString(x)
	}
	return fmt.Sprint(v)
}
