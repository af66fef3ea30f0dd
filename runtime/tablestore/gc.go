package tablestore

import (
	"context"
	"strings"
	"time"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Markers older than the idempotency window are removed from a sample of
// the rows written: after one write in gcEvery, at most gcRows rows per
// commit, and only while the deadline leaves time.
const (
	gcEvery = 16
	gcRows  = 8
	gcSlack = time.Second
)

// collectGarbage removes expired markers from some of the rows ops wrote.
// It is best effort: failures are logged.
func (db *DB) collectGarbage(ctx context.Context, ops []*op) {
	done := map[string]bool{}
	for _, o := range ops {
		if len(done) == gcRows {
			return
		}
		if o.err != nil || o.marker == "" || done[o.row] || db.rand()*gcEvery >= 1 {
			continue
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < gcSlack {
			return
		}
		done[o.row] = true
		if err := db.removeExpiredMarkers(ctx, o.table, o.pk); err != nil {
			db.log.WarnContext(ctx, "tablestore: removing expired idempotency markers failed", "table", o.table, "error", err)
		}
	}
}

// removeExpiredMarkers deletes the marker columns of a row whose
// timestamps are older than the window.
func (db *DB) removeExpiredMarkers(ctx context.Context, table string, pk *ots.PrimaryKey) error {
	client, err := db.client(ctx)
	if err != nil {
		return err
	}
	start, end := markerPrefix, markerPrefix[:len(markerPrefix)-1]+"`" // '`' follows '_'
	resp, err := client.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{
		TableName: table, PrimaryKey: pk, MaxVersion: 1, StartColumn: &start, EndColumn: &end,
	}})
	if err != nil {
		return err
	}
	oldest := db.now().Add(-db.cfg.IdempotencyWindow).UnixMilli()
	ch := &ots.UpdateRowChange{TableName: table, PrimaryKey: pk}
	for _, c := range resp.Columns {
		if at, ok := c.Value.(int64); ok && strings.HasPrefix(c.ColumnName, markerPrefix) && at < oldest {
			ch.DeleteColumn(c.ColumnName)
		}
	}
	if len(ch.Columns) == 0 {
		return nil
	}
	ch.SetCondition(ots.RowExistenceExpectation_EXPECT_EXIST)
	_, err = client.UpdateRow(&ots.UpdateRowRequest{UpdateRowChange: ch})
	return err
}
