package tablestore

import (
	"context"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// maxBatchGet is the rows of one BatchGetRow.
const maxBatchGet = 100

// resolve sorts out writes whose condition failed. A write whose marker
// the row holds was applied by an earlier delivery of its message: it is
// done. A delete whose row is gone is done too. The others keep
// ErrConditionFailed. When the check itself fails the write keeps its
// error, and its message is retried later.
func (db *DB) resolve(ctx context.Context, ops []*op) {
	var marked []*op
	for _, o := range ops {
		switch {
		case o.marker != "":
			marked = append(marked, o)
		case o.delete:
			db.resolveDelete(ctx, o)
		}
	}
	for len(marked) > 0 {
		n := min(len(marked), maxBatchGet)
		db.resolveMarked(ctx, marked[:n])
		marked = marked[n:]
	}
}

func (db *DB) resolveMarked(ctx context.Context, ops []*op) {
	client, err := db.client(ctx)
	if err != nil {
		return
	}
	crit := map[string]*ots.MultiRowQueryCriteria{}
	byTable := map[string][]*op{}
	req := &ots.BatchGetRowRequest{}
	for _, o := range ops {
		c := crit[o.table]
		if c == nil {
			c = &ots.MultiRowQueryCriteria{TableName: o.table, MaxVersion: 1}
			crit[o.table] = c
			req.MultiRowQueryCriteria = append(req.MultiRowQueryCriteria, c)
		}
		c.AddRow(o.pk)
		c.AddColumnToGet(o.marker)
		byTable[o.table] = append(byTable[o.table], o)
	}
	resp, err := client.BatchGetRow(req)
	if err != nil {
		db.log.WarnContext(ctx, "tablestore: checking idempotency markers failed", "error", err)
		return
	}
	for table, rows := range byTable {
		results := resp.TableToRowsResult[table]
		for i, o := range rows {
			if i < len(results) && results[i].IsSucceed && hasColumn(results[i].Columns, o.marker) {
				o.err = nil
			}
		}
	}
}

func (db *DB) resolveDelete(ctx context.Context, o *op) {
	client, err := db.client(ctx)
	if err != nil {
		return
	}
	resp, err := client.GetRow(&ots.GetRowRequest{SingleRowQueryCriteria: &ots.SingleRowQueryCriteria{
		TableName: o.table, PrimaryKey: o.pk, MaxVersion: 1,
	}})
	if err == nil && len(resp.PrimaryKey.PrimaryKeys) == 0 {
		o.err = nil
	}
}

func hasColumn(cols []*ots.AttributeColumn, name string) bool {
	for _, c := range cols {
		if c.ColumnName == name {
			return true
		}
	}
	return false
}
