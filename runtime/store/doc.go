// Package store lets handlers persist typed rows to Tablestore with
// conditional, idempotent, batched writes, signed with the function role's
// STS credentials.
//
//	db, _ := store.Open(store.ConfigFromEnv(os.Getenv))
//	players, _ := store.NewTable[Player](db, "players")
//	app := fn.New(fn.WithCommitter(db))
//	app.Handle("players", "*", fn.Typed(func(ctx context.Context, p Player) error {
//		return players.Put(ctx, p)
//	}))
//
// # Batching
//
// With fn.WithCommitter(db), the writes an invocation's handlers make are
// validated when made and applied together once every message has been
// handled. The writes to one row, in the order they were made, merge into
// as few row operations as their conditions allow (see Merging), and the
// rows' operations go in BatchWriteRow requests of up to 200 rows and
// 4 MB. A row written idempotently (see Idempotency) is read first, a
// BatchGetRow per table and 100 rows, unless the operation's conditions
// can check what the commit assumes of it instead. So an invocation of 100
// messages that each increment one counter makes one request, an UpdateRow
// adding 100, for a new counter, and two, a read and the UpdateRow, for
// one already written idempotently; one whose 100 messages write 100
// different rows makes one request when the rows are new or this DB has
// written them before, and three (a refused write, a read, a write) when
// another instance has.
//
// Each row operation succeeds or fails alone, and a write that fails
// fails the message that made it (the invocation then fails, and
// EventBridge retries it). An operation the service refuses for what it
// writes (a cell too big, an increment of a string) is split, in order,
// until the refused write goes alone: only its message fails. A write
// whose condition fails fails its message, and the other messages'
// writes to the row go on, in their order. A message whose write to a row
// failed has its later writes to that row dropped; its writes to other
// rows are not (rows apply independently, and a redelivery completes the
// message). The writes of a message whose handler failed are dropped.
//
// # Merging
//
// A row's writes go in segments, one row operation each. A segment starts
// with a write whose conditions the service checks, and takes each write
// after it whose conditions are known to hold on the row as the segment's
// writes leave it, since applying it in the operation then has the outcome
// applying it alone would have:
//
//   - a write without conditions always joins (increments sum, a Put
//     followed by Updates folds into one write of each column's last
//     value);
//   - IfExists joins after a write that creates the row, IfNotExists never
//     does;
//   - If(col, op, v) joins when the segment has set col (the value is
//     known) or removed it (a missing column passes), or when the segment
//     began with IfNotExists (the row is new, its other columns missing):
//     an Insert, then a transition If("State", "=", "created") by another
//     message, is one operation;
//   - a condition the segment's writes do not decide (on a column it
//     incremented, or one it has not touched), or one that fails on the
//     row they leave, starts a segment of its own, which the service
//     checks: two transitions from "created" are two operations, and the
//     second fails;
//   - a delete is a segment of its own.
//
// A segment also ends where an operation would pass 1024 columns, 1 MB or
// the markers of 100 messages; the next takes the rest, in order.
//
// # Reads
//
// Inside an invocation with a committer, Get sees the invocation's writes
// not yet committed: the row as Tablestore has it, with the pending
// writes to it applied in order as if each applied. A message that read a
// row while another message's write to it was pending depends on that
// write: if it does not apply (its handler failed, or it failed at
// commit), the reader fails too, its writes not yet applied are dropped,
// and its error names the other message. The commit applies a reader's
// later writes after the writes it read, where they are not in the same
// row operation. Scan and the reads through an Index see only what is
// committed.
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
// increments and for conditional state transitions too, whatever the
// writes merged with, and across retries of a write whose outcome was
// unknown (a timeout).
//
// How: a row remembers, in a marker column per message, _rfn_m<hash of
// the message ID>, how many of the message's writes to it have applied,
// and holds a version, _rfn_v, that every marked row operation replaces.
// A commit reads the markers of the messages writing a row and the
// version, leaves out the writes the markers say are applied, and writes
// the rest, with their messages' markers, in operations conditional on the
// version being the one read, which Tablestore applies atomically. When
// the condition fails (another invocation marked the row since the read),
// or the outcome is unknown, the commit reads the row again, leaves out
// what the markers now say is applied, and merges the rest again: a merged
// operation whose messages were partly applied before applies the others
// once. When the version has not changed, the condition that failed is
// the segment's first write's own, and that write fails.
//
// The first write of a row in a commit skips the read where a condition
// can stand for it: a row the DB has not seen with bookkeeping is written
// as new, on the condition that it has no version (no marked operation
// ever applied to it, so it has no markers); one it has seen, on the
// condition that it holds none of the markers of the messages writing it
// (up to 9, with its first write's own conditions) and no expired
// journal. A wrong guess fails the condition and changes nothing; the
// commit then reads the row, as above. A redelivery therefore costs a
// refused write and a read.
//
// Markers are kept for the window: each operation that adds markers lists
// them in a journal column, _rfn_j<hour>_<version>, and the first write
// of the row more than the window after that hour removes them with the
// journal, in the same conditional operation (between 48 and 49 hours
// after they were made, on every row written, not a sample). Reads never
// return these columns.
//
// What that costs a row, besides its own columns: _rfn_v, _rfn_g (the
// hour of its oldest journal), one marker for each message that wrote it
// within the window (and the last hour, and since its last write), and
// one journal for each commit that added markers in that time (a commit
// merging 100 messages adds one). No bound independent of the traffic
// keeps the guarantee: a marker is what tells a redelivery its write
// applied, so a counter incremented by 10 messages a second holds about
// 1.7 million markers, some 70 MB, for the window's 48 hours. Tablestore
// limits neither columns nor size per row, and reads fetch only their
// type's columns, but such a row is costly to store; count per shard of
// messages, or aggregate before writing, instead. Tablestore does limit
// a row operation to 1024 columns: a commit splits a row's writes over
// several operations past that or past 100 markers, and removes at most
// about 1000 expired markers per write, the rest at the next ones.
//
// The key is the message ID (UNIQ_KEY, which RocketMQ keeps across
// redeliveries) when the write is made in a handler of an App with
// fn.WithCommitter(db); WithIdempotencyKey sets another. Writes with no key
// (outside a committing App, without WithIdempotencyKey) carry no marker.
// Delete removes a row with its markers: a redelivered delete finds no row,
// which it counts as done. Append (AUTO_INCREMENT) is never deduplicated.
// Markers of the format before this one (_rfn_<hash>_<n>, a column per
// write) are neither read nor removed: a message whose writes a version
// with that format applied, redelivered to this one within the window,
// applies them again.
//
// # Retries and deadlines
//
// Writes failing with OTSServerBusy, OTSRowOperationConflict,
// OTSNotEnoughCapacityUnit, OTSPartitionUnavailable, OTSTableNotReady or
// OTSStorageServerBusy are retried with exponential backoff from 20 ms to
// 1 s and full jitter. After OTSTimeout, OTSInternalServerError,
// OTSServerUnavailable or a network error the write may have applied: a
// marked one is resolved by reading its row's markers again, and others
// are retried only when that cannot apply them twice (they only set
// values). Every request ends by the context's deadline, which is the
// invocation's on FC: the SDK takes no context, so each call uses a client
// whose HTTP timeout is the time left, with the SDK's own retries off.
//
// # Secondary indexes
//
// NewIndex describes a global secondary index of a table, by the columns
// it is keyed by; Ensure creates it with the table, and Tablestore keeps
// it in line as the table is written:
//
//	byJob, _ := store.NewIndex(players, "players_by_job", "Job")
//	_ = players.Ensure(ctx, tablestore.TableOptions{}, byJob)
//	for p, err := range byJob.Scan(ctx, store.Prefix("mage")) {
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
package store
