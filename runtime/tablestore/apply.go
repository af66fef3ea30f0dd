package tablestore

import (
	"context"
	"errors"
	"fmt"

	ots "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Limits of one BatchWriteRow.
const (
	maxBatchRows  = 200
	maxBatchBytes = 4 << 20
)

var errEarlierFailed = errors.New("tablestore: an earlier write to the row failed")

// apply writes ops, setting each op's err. Writes to one row apply in the
// order they were made: the n-th write of every row goes in wave n, and a
// write after a failed one to its row fails too. Within a wave, rows are
// independent and go in BatchWriteRow requests of up to 200 rows and 4 MB.
func (db *DB) apply(ctx context.Context, ops []*op) {
	failedRows := map[string]bool{}
	for _, wave := range waves(ops) {
		var todo []*op
		for _, o := range wave {
			if failedRows[o.row] {
				o.err = fmt.Errorf("%w: %s", errEarlierFailed, o.describe())
				continue
			}
			todo = append(todo, o)
		}
		db.applyWave(ctx, todo)
		for _, o := range todo {
			if o.err != nil {
				failedRows[o.row] = true
			}
		}
	}
	db.collectGarbage(ctx, ops)
}

// waves splits ops so that each wave writes a row at most once.
func waves(ops []*op) [][]*op {
	var out [][]*op
	seen := map[string]int{}
	for _, o := range ops {
		n := seen[o.row]
		seen[o.row] = n + 1
		if n == len(out) {
			out = append(out, nil)
		}
		out[n] = append(out[n], o)
	}
	return out
}

// applyWave writes rows that are all different, retrying what may be
// retried until ctx ends.
func (db *DB) applyWave(ctx context.Context, ops []*op) {
	pending := ops
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 && !db.wait(ctx, attempt) {
			return // the ops keep the error of their last attempt
		}
		var retry, conflicted []*op
		for _, chunk := range chunks(pending) {
			r, c := db.writeChunk(ctx, chunk)
			retry, conflicted = append(retry, r...), append(conflicted, c...)
		}
		db.resolve(ctx, conflicted)
		pending = retry
	}
}

// chunks cuts ops into BatchWriteRow requests.
func chunks(ops []*op) [][]*op {
	var out [][]*op
	var cur []*op
	size := 0
	for _, o := range ops {
		if len(cur) == maxBatchRows || (len(cur) > 0 && size+o.size > maxBatchBytes*7/8) {
			out, cur, size = append(out, cur), nil, 0
		}
		cur = append(cur, o)
		size += o.size
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// writeChunk sends one BatchWriteRow. It sets the error of each op that
// failed for good and returns the ops to retry and those whose condition
// failed.
func (db *DB) writeChunk(ctx context.Context, ops []*op) (retry, conflicted []*op) {
	for _, o := range ops {
		o.err = nil
	}
	client, err := db.client(ctx)
	if err != nil {
		setErr(ops, err)
		return nil, nil
	}
	req := &ots.BatchWriteRowRequest{}
	byTable := map[string][]*op{}
	for _, o := range ops {
		req.AddRowChange(o.change)
		byTable[o.table] = append(byTable[o.table], o)
	}
	resp, err := client.BatchWriteRow(req)
	if err != nil {
		for _, o := range ops {
			o.err = serviceError(o.table, err)
			if retryable(err, o.safe) {
				retry = append(retry, o)
			}
		}
		return retry, nil
	}
	for table, rows := range byTable {
		results := resp.TableToRowsResult[table]
		for i, o := range rows {
			if i >= len(results) {
				o.err = fmt.Errorf("tablestore: table %q: no result for row %d of the batch", table, i)
				continue
			}
			r := results[i]
			switch {
			case r.IsSucceed:
			case r.Error.Code == "OTSConditionCheckFail":
				o.err = fmt.Errorf("%w: %s: %s", ErrConditionFailed, o.describe(), r.Error.Message)
				conflicted = append(conflicted, o)
			default:
				o.err = &Error{Code: r.Error.Code, Message: r.Error.Message, Table: table, Row: o.describe()}
				if retryCode(r.Error.Code, r.Error.Message, o.safe) {
					retry = append(retry, o)
				}
			}
		}
	}
	return retry, conflicted
}

func setErr(ops []*op, err error) {
	for _, o := range ops {
		o.err = err
	}
}
