package store

import (
	"context"
	"sort"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Reads of the rows a commit writes idempotently: their bookkeeping
// (version, markers), and the journals whose markers have expired.
const (
	maxBatchGet  = 100 // rows of one BatchGetRow
	maxGetColumn = 128 // columns_to_get of one read
	gcPage       = 64  // journals read at once
)

// readKeys are the keys of rp's next writes whose markers a read fetches:
// as many as one operation may mark.
func readKeys(rp *rowPlan) []string {
	var keys []string
	seen := map[string]bool{}
	for _, w := range rp.todo {
		if w.key == "" || seen[w.key] {
			continue
		}
		if len(keys) == maxOpKeys {
			break
		}
		seen[w.key] = true
		keys = append(keys, w.key)
	}
	return keys
}

// readStates reads the bookkeeping of the marked rows the commit does not
// know, a BatchGetRow per table and 100 rows (and 126 keys), except the
// first time, when it guesses instead (see guessState). A row whose read
// fails is read again next round, or fails when the error says a retry
// cannot help.
func (c *commit) readStates(ctx context.Context, rows []*rowPlan) {
	byTable := map[string][]*rowPlan{}
	var tables []string
	for _, rp := range rows {
		if !rp.marked || rp.st != nil || len(rp.todo) == 0 || c.guessState(rp) {
			continue
		}
		if byTable[rp.table] == nil {
			tables = append(tables, rp.table)
		}
		byTable[rp.table] = append(byTable[rp.table], rp)
	}
	for _, table := range tables {
		var batch []*rowPlan
		names := map[string]string{} // marker column -> key
		for _, rp := range byTable[table] {
			keys := readKeys(rp)
			n := len(names)
			for _, k := range keys {
				if _, ok := names[markerColumn(hashKey(k))]; !ok {
					n++
				}
			}
			if len(batch) == maxBatchGet || len(batch) > 0 && n+2 > maxGetColumn {
				c.readBatch(ctx, table, batch, names)
				batch, names = nil, map[string]string{}
			}
			batch = append(batch, rp)
			for _, k := range keys {
				names[markerColumn(hashKey(k))] = k
			}
		}
		c.readBatch(ctx, table, batch, names)
	}
}

func (c *commit) readBatch(ctx context.Context, table string, rows []*rowPlan, names map[string]string) {
	cols := []string{versionColumn, gcColumn}
	for name := range names {
		cols = append(cols, name)
	}
	sort.Strings(cols[2:])
	crit := &tablestore.MultiRowQueryCriteria{TableName: table, MaxVersion: 1, ColumnsToGet: cols}
	for _, rp := range rows {
		crit.AddRow(rp.pk)
	}
	results, err := c.batchGet(ctx, table, crit, len(rows))
	for i, rp := range rows {
		if err == nil && !results[i].IsSucceed {
			e := &Error{Code: results[i].Error.Code, Message: results[i].Error.Message, Table: table, Row: describeRow(table, rp.pk)}
			c.readFailed(rp, e, retryCode(e.Code, e.Message, true))
			continue
		}
		if err != nil {
			c.readFailed(rp, err, retryable(err, true))
			continue
		}
		st := &rowState{g: -1, progress: map[string]int{}}
		for _, k := range readKeys(rp) {
			st.progress[k] = 0
		}
		for _, col := range results[i].Columns {
			v, _ := col.Value.(int64)
			switch {
			case col.ColumnName == versionColumn:
				st.v = v
			case col.ColumnName == gcColumn:
				st.g = v
			default:
				if k, ok := names[col.ColumnName]; ok {
					if _, mine := st.progress[k]; mine {
						st.progress[k] = int(v)
					}
				}
			}
		}
		rp.st, rp.readErr = st, false
		c.db.marked.set(rp.id, st.v != 0)
	}
}

// guessState guesses the state of a row the commit has not read yet, the
// first time only, and reports whether it did: a row the DB has not seen
// marked is taken to be new; one it has, to hold none of the markers of
// the keys writing it and no expired journal, when the conditions left by
// its first write's own can check those markers (9 at most).
func (c *commit) guessState(rp *rowPlan) bool {
	if rp.guessed {
		return false
	}
	rp.guessed = true
	if !c.db.marked.has(rp.id) {
		rp.st, rp.guess = freshState(), guessNew
		return true
	}
	keys := readKeys(rp)
	if len(keys) == 0 || len(keys) > maxColumnConditions-len(rp.todo[0].conds) {
		return false // too many markers to check in conditions: read them
	}
	// _rfn_g stands at the oldest hour not expired: the operation checks
	// the row's is at least that, and nothing is collected.
	st := &rowState{g: hourOf(c.db.now().Add(-c.db.cfg.IdempotencyWindow)), progress: map[string]int{}}
	for _, k := range keys {
		st.progress[k] = 0
	}
	rp.st, rp.guess = st, guessUnmarked
	return true
}

// readFailed records a failed read of rp: tried again next round when
// retry holds, else rp's writes fail.
func (c *commit) readFailed(rp *rowPlan, err error, retry bool) {
	rp.lastErr, rp.readErr = err, true
	if !retry {
		c.failWrites(rp, rp.todo, err)
	}
}

// batchGet sends one BatchGetRow of one table and returns its n results.
func (c *commit) batchGet(ctx context.Context, table string, crit *tablestore.MultiRowQueryCriteria, n int) ([]tablestore.RowResult, error) {
	client, err := c.db.client(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := client.BatchGetRow(&tablestore.BatchGetRowRequest{MultiRowQueryCriteria: []*tablestore.MultiRowQueryCriteria{crit}})
	if err != nil {
		return nil, serviceError(table, err)
	}
	results := resp.TableToRowsResult[table]
	if len(results) != n {
		return nil, &Error{Code: "OTSInternalServerError", Message: "BatchGetRow answered a different number of rows", Table: table}
	}
	return results, nil
}

// A gcPlan is what a row's next operation removes: the journals whose
// markers have expired, oldest first.
type gcPlan struct {
	expired []journal
	next    int64 // the hour of the first journal left, -1 when none is
}

type journal struct {
	name   string
	hour   int64
	hashes []keyHash
}

// readJournals reads the journals of the rows whose oldest journal has
// expired, for their next operation to remove with their markers: every
// row written has its expired markers removed. It is best effort: a
// failed read is logged and the removal waits for the row's next commit.
func (c *commit) readJournals(ctx context.Context, rows []*rowPlan) {
	expired := hourOf(c.db.now().Add(-c.db.cfg.IdempotencyWindow))
	byTable := map[string][]*rowPlan{}
	var tables []string
	for _, rp := range rows {
		if rp.st == nil || rp.gc != nil || rp.st.g < 0 || rp.st.g >= expired || len(rp.todo) == 0 {
			continue
		}
		if byTable[rp.table] == nil {
			tables = append(tables, rp.table)
		}
		byTable[rp.table] = append(byTable[rp.table], rp)
	}
	start, end := journalPrefix, journalEnd
	for _, table := range tables {
		rows := byTable[table]
		for len(rows) > 0 {
			batch := rows[:min(len(rows), maxBatchGet)]
			rows = rows[len(batch):]
			crit := &tablestore.MultiRowQueryCriteria{TableName: table, MaxVersion: 1, StartColumn: &start, EndColumn: &end,
				Filter: &tablestore.PaginationFilter{Limit: gcPage}}
			for _, rp := range batch {
				crit.AddRow(rp.pk)
			}
			results, err := c.batchGet(ctx, table, crit, len(batch))
			if err != nil {
				c.db.log.WarnContext(ctx, "tablestore: reading idempotency journals failed", "table", table, "rows", len(batch), "error", err)
				continue
			}
			for i, rp := range batch {
				if results[i].IsSucceed {
					rp.gc = gcPlanOf(results[i].Columns, expired)
				}
			}
		}
	}
}

// gcPlanOf sorts out the journals a read returned: those of hours before
// expired go.
func gcPlanOf(cols []*tablestore.AttributeColumn, expired int64) *gcPlan {
	var js []journal
	for _, col := range cols {
		hour, ok := journalHourOf(col.ColumnName)
		if !ok {
			continue
		}
		j := journal{name: col.ColumnName, hour: hour}
		b, _ := col.Value.([]byte)
		for ; len(b) >= len(keyHash{}); b = b[len(keyHash{}):] {
			j.hashes = append(j.hashes, keyHash(b[:len(keyHash{})]))
		}
		js = append(js, j)
	}
	sort.Slice(js, func(a, b int) bool { return js[a].name < js[b].name })
	p := &gcPlan{next: -1}
	for i, j := range js {
		if j.hour >= expired {
			p.next = j.hour
			break
		}
		p.expired = append(p.expired, j)
		if i == len(js)-1 && len(js) == gcPage {
			p.next = j.hour // more may follow: look again next time
		}
	}
	return p
}
