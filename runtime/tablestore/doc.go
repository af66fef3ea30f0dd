// Package tablestore lets handlers persist typed rows to Tablestore with
// conditional, idempotent, batched writes, signed with the function role's
// STS credentials.
//
//	db, _ := tablestore.Open(tablestore.ConfigFromEnv(os.Getenv))
//	players, _ := tablestore.NewTable[Player](db, "players")
//	app := fn.New(fn.WithCommitter(db))
//	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p Player) error {
//		return players.Put(ctx, p)
//	}))
//
// # Batching
//
// With fn.WithCommitter(db), the writes an invocation's handlers make are
// validated when made and applied together once every message has been
// handled: coalesced into BatchWriteRow requests of up to 200 rows and 4 MB,
// writes to one row in the order they were made. Each row write succeeds
// or fails alone, and a failed write fails the message that made it (the
// invocation then fails, and EventBridge retries it). The writes of a
// message whose handler failed are dropped. Reads are not batched and do not
// see writes the invocation has not committed.
//
// # Idempotency
//
// EventBridge retries a failed invocation whole and RocketMQ delivers at
// least once, so a message can be handled several times. The guarantee:
// a write that Put, Insert, Update or Increment makes for a message changes
// its row at most once, however often the message is delivered, as long
// as (1) the deliveries come within the idempotency window (48 hours by
// default, Config.IdempotencyWindow), and (2) the handler makes the same
// writes to a row in the same order for the same message. This holds for
// increments and for conditional state transitions too, and across retries
// of a write whose outcome was unknown (a timeout).
//
// How: each such write also puts a marker column, _rfn_<hash of the
// message ID>_<n> (n counts the message's earlier writes to the row), on
// the condition that the marker is absent, in the same single-row
// operation, which Tablestore applies atomically. A redelivered write's
// condition fails on a row that has its marker, and the write is reported
// done. Markers older than the window are removed from a sample of the
// rows written. Reads never return them.
//
// The key is the message ID (UNIQ_KEY, which RocketMQ keeps across
// redeliveries) when the write is made in a handler of an App with
// fn.WithCommitter(db); WithIdempotencyKey sets another. Writes with no key
// (outside a committing App, without WithIdempotencyKey) carry no marker.
// Delete removes a row with its markers: a redelivered delete finds no row,
// which it counts as done. Append (AUTO_INCREMENT) is never deduplicated.
//
// # Retries and deadlines
//
// Writes failing with OTSServerBusy, OTSRowOperationConflict,
// OTSNotEnoughCapacityUnit, OTSPartitionUnavailable, OTSTableNotReady or
// OTSStorageServerBusy are retried with exponential backoff from 20 ms to
// 1 s and full jitter. After OTSTimeout, OTSInternalServerError,
// OTSServerUnavailable or a network error the write may have applied; it is
// retried only when that cannot apply it twice (it has a marker, or it only
// sets values). Every request ends by the context's deadline, which is the
// invocation's on FC: the SDK takes no context, so each call uses a client
// whose HTTP timeout is the time left, with the SDK's own retries off.
//
// # Secondary indexes
//
// NewIndex describes a global secondary index of a table, by the columns
// it is keyed by; Ensure creates it with the table, and Tablestore keeps
// it in line as the table is written:
//
//	byJob, _ := tablestore.NewIndex(players, "players_by_job", "Job")
//	_ = players.Ensure(ctx, tablestore.TableOptions{}, byJob)
//	for p, err := range byJob.Scan(ctx, tablestore.Prefix("mage")) {
//
// Scan reads the index table, which holds the index columns, the primary
// key and the attribute columns the index carries; Lookup reads the rows
// it finds from the table. A row lacking an index column is not in the
// index. On the cloud a global index is updated asynchronously, usually
// within milliseconds: a read through it right after a write may not see
// the write. The local Tablestore updates it in the same commit as the
// row, so tests pass locally that would not always on the cloud.
//
// # Credentials
//
// Inside an invocation, requests are signed with the credentials the
// platform passed with it (on FC the function role's STS credentials,
// which FC rotates); elsewhere with Config.Credentials. No access key
// appears in code or logs. The zero Config reaches the local Tablestore
// (`rocketfn tablestore`) with its access key.
package tablestore
