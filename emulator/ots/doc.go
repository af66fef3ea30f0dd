// Package ots is a local Tablestore instance: an HTTP server
// speaking the Tablestore protocol (POST /<Action> with protobuf bodies and
// PlainBuffer rows) that the official SDKs use unchanged, with its data in
// an embedded store (bbolt) in a data directory, or in memory for tests.
//
//	srv, err := ots.New(ots.Config{Dir: "data"})
//	endpoint, err := srv.Start("127.0.0.1:0")
//	cred := srv.Credentials()
//	client := sdk.NewClient(endpoint, srv.Instance(), cred.AccessKeyID, cred.AccessKeySecret)
//
// In a test, package otstest starts one for the test and reads rows back.
//
// # What it serves
//
// Tables: CreateTable, ListTable, DescribeTable, UpdateTable, DeleteTable,
// ComputeSplitPointsBySize (one split: a local instance has one partition).
// Rows: PutRow, GetRow, UpdateRow (put, delete one version, delete all
// versions, increment), DeleteRow, BatchGetRow, BatchWriteRow, GetRange.
// Local transactions: StartLocalTransaction, CommitTransaction,
// AbortTransaction. Secondary indexes: CreateTable with index_metas,
// CreateIndex (with or without base data), DropIndex (the SDK's
// DeleteIndex), DescribeTable listing them, and GetRow, BatchGetRow and
// GetRange on index tables. Streams: CreateTable and UpdateTable with a
// stream specification, DescribeTable's stream details, ListStream,
// DescribeStream, GetShardIterator and GetStreamRecord (see Streams below).
// Search indexes answer OTSUnsupportOperation. Each action is served at
// /<Action> on the
// endpoint's root only; any other path (a prefix, a trailing slash) is
// refused with OTSParameterInvalid naming the path.
//
// Semantics follow the service: primary keys of 1 to 4 INTEGER, STRING or
// BINARY columns ordered column by column; AUTO_INCREMENT columns;
// row-existence expectations checked before column conditions; filters on
// reads; cell versions with timestamps, max_versions, time ranges and TTL;
// per-row results in request order for batches; the service's limits (200
// rows per BatchWriteRow, 100 per BatchGetRow, 4 MB per write, 5 MB per
// request, 1 KB primary-key values, 2 MB cells, 1024 columns per write,
// 5000 rows or 4 MB per GetRange page) with its error codes.
//
// Choices where the service's behaviour is not documented:
//   - a BatchWriteRow or BatchGetRow row with a missing table or a bad row
//     fails alone (OTSObjectNotExist, OTSParameterInvalid); request-level
//     errors are for no rows, too many rows and duplicate rows;
//   - AUTO_INCREMENT values count up from 1 per table;
//   - a row whose every version has expired under the TTL does not exist;
//   - a write outside a transaction to a partition key locked by one gets
//     OTSRowOperationConflict, which the SDKs retry;
//   - UpdateRow creating a row requires it to set a column;
//   - a cell written without a timestamp gets the server's time in
//     milliseconds, taken when the write is applied and never earlier
//     than a time already given: writes to a cell within one millisecond
//     keep one version, the last applied (as the service's do).
//
// # Secondary indexes
//
// An index table's primary key is the index's columns (primary-key or
// defined columns of STRING, INTEGER or BINARY type, up to 4), then the
// table's primary-key columns not among them; it carries up to 32 defined
// columns as attributes (of at most 32 per table); an AUTO_INCREMENT
// column cannot be the first index column. A row is in the index only
// when it has every index column. Tables with indexes keep max_versions 1 and
// time_to_live -1; a table has at most 5 indexes; index and table names
// share the instance's namespace and its table quota. Index tables take
// reads only. These are the service's documented rules; where it documents
// none, the choices are:
//   - every index, global or local, is updated in the same commit as its
//     row, and CreateIndex with base data builds the index before it
//     answers. The service updates a global index asynchronously (usually
//     within milliseconds): code that reads its own write through a
//     global index right after writing may not see it in the cloud;
//   - a write giving a defined column that an index uses another type
//     than its defined type, or an index column a value over 1 KB, is
//     refused with OTSParameterInvalid;
//   - ListTable lists data tables only; DescribeTable on an index table
//     describes its primary key;
//   - an index name already used by a table or index answers
//     OTSObjectAlreadyExist, a sixth index OTSQuotaExhausted, other bad
//     definitions OTSParameterInvalid naming the column.
//
// # Streams
//
// A table's stream is enabled by CreateTable or UpdateTable with
// enable_stream and an expiration_time of 1 to 168 hours, and disabled by
// UpdateTable without it; DescribeTable and UpdateTable report its ID,
// expiration and enable time. Every change applied to a row of a table
// with a stream is recorded once, in the commit that applies it and in
// that order: PutRow, UpdateRow (an increment recorded as the put of its
// result), DeleteRow, each row of a BatchWriteRow that succeeds, and the
// writes of a local transaction, at its commit and in the order they were
// made (an aborted or expired transaction records nothing). A write that
// fails, a condition check among them, records nothing, and a table
// without a stream records nothing. Records are kept in the data
// directory with their rows, so they survive restarts, until they are
// older than the expiration time. GetStreamRecord answers each as the
// service does: PUT_ROW, UPDATE_ROW or DELETE_ROW with a plain-buffer row
// holding the primary key, the columns as written (put with value and
// timestamp, one version deleted with its timestamp, all versions deleted
// bare), the delete marker for DELETE_ROW, and the sequence info
// extension (epoch 0, the commit time in microseconds, a row index among
// records of the same time). A consumer in the same process (the local
// stack's Tablestore triggers) waits on Server.StreamSignal for new
// records instead of polling GetStreamRecord.
//
// Choices where the service's behaviour is not documented:
//   - a local table has one partition, so its stream has one shard, which
//     never splits or closes: DescribeStream lists it (from
//     inclusive_start_shard_id on) and GetStreamRecord always answers a
//     next iterator, the one it was sent when there is nothing new;
//   - a shard iterator names a position and stays valid until the record
//     there expires; a malformed one answers OTSParameterInvalid, one
//     past retention or of a stream that was disabled or deleted
//     OTSTrimmedDataAccess ("Requested stream data is already trimmed or
//     does not exist."); an unknown stream or shard in DescribeStream or
//     GetShardIterator OTSObjectNotExist;
//   - GetShardIterator with a timestamp (microseconds) starts at the first
//     record of that time or later, and never pages (no next_token);
//   - GetStreamRecord returns at most 1000 records (also the default) and
//     4 MB of them;
//   - stream creation and enable times are in microseconds; enabling an
//     enabled stream with another expiration time answers
//     OTSParameterInvalid (the service does not change it); disabling a
//     stream drops its records, and enabling again starts a new stream.
//
// # Auth
//
// Requests are verified as the service does: the x-ots-signature
// (HMAC-SHA1 over the action and the x-ots-* headers), the body's
// x-ots-contentmd5, x-ots-date within 15 minutes, the instance name, the
// access key and, for STS credentials (IssueSTS), the security token and
// its expiry. Failures answer 403 OTSAuthFailed. Answers carry the headers
// the service sends, signed, so SDKs that verify them accept them.
//
// The headers are checked before the body is read: the signature covers
// x-ots-contentmd5, so a request that is not signed is refused without
// its body being read, and the body read for a signed one must match it.
// The bodies of the requests being served hold at most 64 MB at once; a
// request that does not fit waits up to a second for room, then answers
// 503 OTSServerBusy, which the SDKs retry. Failures are logged at most
// once a second per error code, with what the request sent cut to 256
// bytes, so bad requests cannot fill the log.
//
// # Connections
//
// A connection is cut when its request headers take over 10 s to arrive,
// the whole request over 30 s, or the answer over 60 s from the end of the
// headers, and when it stays idle over 2 minutes between requests
// (Config.Timeouts changes them). Legitimate requests finish well within
// them: the largest body, 5 MB, takes a fraction of 30 s on any link; the
// SDK gives up on an answer after 30 s, before the server would; and the
// clients' keep-alive connections (Go's transport) are closed by the
// client first.
//
// # Durability
//
// A write is acknowledged once committed to the data directory and synced;
// concurrent writes share commits (package kv) and are applied one at a
// time, in the order they are acknowledged: every write answered OK is
// visible afterwards (TestAcknowledgedWritesAreApplied checks it under
// concurrency, TestCrashKeepsAcknowledgedRows across kill -9). An index
// row is written in the same commit as its table row.
//
// # Fault injection
//
// Config.Faults and Server.SetFaults inject errors and latency for tests
// of clients. Which requests a fault of a Rate below 1 fails is drawn from
// a source seeded with Config.FaultSeed, random when 0 and then reported
// by Server.FaultSeed; the same seed and the same sequence of requests fail
// the same ones. A test that injects faults logs the seed when it fails;
// to rerun it with that seed, set the environment variable
// ROCKETFN_OTS_FAULT_SEED (FaultSeedEnv), which every server whose
// Config.FaultSeed is 0 takes:
//
//	ROCKETFN_OTS_FAULT_SEED=12345 go test -run TestFaults ./emulator/ots
package ots
