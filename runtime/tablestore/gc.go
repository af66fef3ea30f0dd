package tablestore

import (
	"context"
	"strings"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Markers older than the idempotency window are removed from a sample of
// the rows written: each row written has a 1 in gcEvery chance, at most
// gcRows rows per commit, read with one BatchGetRow and cleaned with one
// BatchWriteRow, and only while the deadline leaves time.
const (
	gcEvery = 16
	gcRows  = 32
	gcSlack = time.Second
)

// collectGarbage removes expired markers from some of the rows ops wrote.
// It is best effort: failures are logged.
func (db *DB) collectGarbage(ctx context.Context, ops []*op) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < gcSlack {
		return
	}
	picked := map[string]bool{}
	var rows []*op
	for _, o := range ops {
		if len(rows) == gcRows {
			break
		}
		if o.err != nil || o.marker == "" || picked[o.row] || db.rand()*gcEvery >= 1 {
			continue
		}
		picked[o.row] = true
		rows = append(rows, o)
	}
	if len(rows) == 0 {
		return
	}
	if err := db.removeExpiredMarkers(ctx, rows); err != nil {
		db.log.WarnContext(ctx, "tablestore: removing expired idempotency markers failed", "rows", len(rows), "error", err)
	}
}

// removeExpiredMarkers reads the marker columns of the rows written by
// ops and deletes those whose timestamps are older than the window.
func (db *DB) removeExpiredMarkers(ctx context.Context, ops []*op) error {
	client, err := db.client(ctx)
	if err != nil {
		return err
	}
	start, end := markerPrefix, markerPrefix[:len(markerPrefix)-1]+"`" // '`' follows '_'
	req := &ots.BatchGetRowRequest{}
	crit := map[string]*ots.MultiRowQueryCriteria{}
	byTable := map[string][]*op{}
	for _, o := range ops {
		c := crit[o.table]
		if c == nil {
			c = &ots.MultiRowQueryCriteria{TableName: o.table, MaxVersion: 1, StartColumn: &start, EndColumn: &end}
			crit[o.table] = c
			req.MultiRowQueryCriteria = append(req.MultiRowQueryCriteria, c)
		}
		c.AddRow(o.pk)
		byTable[o.table] = append(byTable[o.table], o)
	}
	resp, err := client.BatchGetRow(req)
	if err != nil {
		return err
	}
	oldest := db.now().Add(-db.cfg.IdempotencyWindow).UnixMilli()
	clean := &ots.BatchWriteRowRequest{}
	n := 0
	for table, rows := range byTable {
		results := resp.TableToRowsResult[table]
		for i := 0; i < len(results) && i < len(rows); i++ {
			if ch := expiredMarkers(table, rows[i].pk, results[i], oldest); ch != nil {
				clean.AddRowChange(ch)
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	_, err = client.BatchWriteRow(clean)
	return err
}

// expiredMarkers is the update removing a row's expired markers, or nil.
func expiredMarkers(table string, pk *ots.PrimaryKey, r ots.RowResult, oldest int64) *ots.UpdateRowChange {
	if !r.IsSucceed {
		return nil
	}
	ch := &ots.UpdateRowChange{TableName: table, PrimaryKey: pk}
	for _, c := range r.Columns {
		if at, ok := c.Value.(int64); ok && strings.HasPrefix(c.ColumnName, markerPrefix) && at < oldest {
			ch.DeleteColumn(c.ColumnName)
		}
	}
	if len(ch.Columns) == 0 {
		return nil
	}
	ch.SetCondition(ots.RowExistenceExpectation_EXPECT_EXIST)
	return ch
}
