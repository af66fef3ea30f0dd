package streamevent

import (
	"errors"
	"fmt"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// StreamClient is what a Reader calls: the stream API of the SDK's
// client (*tablestore.TableStoreClient has it).
type StreamClient interface {
	ListStream(*tablestore.ListStreamRequest) (*tablestore.ListStreamResponse, error)
	DescribeStream(*tablestore.DescribeStreamRequest) (*tablestore.DescribeStreamResponse, error)
	GetShardIterator(*tablestore.GetShardIteratorRequest) (*tablestore.GetShardIteratorResponse, error)
	GetStreamRecord(*tablestore.GetStreamRecordRequest) (*tablestore.GetStreamRecordResponse, error)
}

// Checkpoint is where a Reader is in a table's stream: the stream, the
// shard, and the iterator of the next record to deliver. Its zero value
// starts at the oldest record the stream keeps.
type Checkpoint struct {
	StreamID string `json:"streamId,omitempty"`
	ShardID  string `json:"shardId,omitempty"`
	Iterator string `json:"iterator,omitempty"`
}

// Batch is one invocation's worth of records.
type Batch struct {
	// Payload is the CBOR event, as the trigger delivers it.
	Payload []byte
	// Records is how many stream records it holds.
	Records int
	// Next is the checkpoint after the batch, which Commit moves to.
	Next Checkpoint
}

// ErrTrimmed is returned when the records at the checkpoint have expired
// or the stream is gone (OTSTrimmedDataAccess); Reset starts over at the
// oldest record kept.
var ErrTrimmed = errors.New("streamevent: the records at the checkpoint are trimmed or their stream is gone")

// ErrNoStream is returned when the table has no stream.
var ErrNoStream = errors.New("streamevent: the table has no stream")

// DefaultBatchSize is the records per batch when Reader.BatchSize is 0.
const DefaultBatchSize = 100

// Reader reads a table's stream in batches from a checkpoint. It is not
// safe for concurrent use.
type Reader struct {
	client  StreamClient
	table   string
	cp      Checkpoint
	pending *Batch // returned by Next, not committed yet
	// BatchSize is the most records a batch holds (DefaultBatchSize when
	// 0; the stream answers at most 1000 at once).
	BatchSize int32
}

// NewReader returns a Reader of table's stream from cp.
func NewReader(client StreamClient, table string, cp Checkpoint) *Reader {
	return &Reader{client: client, table: table, cp: cp}
}

// Checkpoint is where the reader is: before the records of the batch
// Next returns, until Commit.
func (r *Reader) Checkpoint() Checkpoint { return r.cp }

// Next returns the batch at the checkpoint, or nil when there is no
// record after it yet. It does not move the checkpoint: until Commit, Next
// returns the same batch again. A Reader made anew from the same
// checkpoint (after a restart) reads the same records first, and more
// when the batch had room for records written since.
func (r *Reader) Next() (*Batch, error) {
	if r.pending != nil {
		return r.pending, nil
	}
	if r.cp.Iterator == "" {
		if err := r.start(); err != nil {
			return nil, err
		}
	}
	limit := r.BatchSize
	if limit <= 0 {
		limit = DefaultBatchSize
	}
	it := tablestore.ShardIterator(r.cp.Iterator)
	resp, err := r.client.GetStreamRecord(&tablestore.GetStreamRecordRequest{ShardIterator: &it, Limit: &limit})
	if err != nil {
		if code(err) == "OTSTrimmedDataAccess" {
			return nil, fmt.Errorf("%w: %v", ErrTrimmed, err)
		}
		return nil, fmt.Errorf("streamevent: read the stream of %s: %w", r.table, err)
	}
	if len(resp.Records) == 0 {
		return nil, nil
	}
	p, err := FromRecords(resp.Records)
	if err != nil {
		return nil, err
	}
	b, err := Encode(p)
	if err != nil {
		return nil, err
	}
	next := r.cp
	if resp.NextShardIterator != nil {
		next.Iterator = string(*resp.NextShardIterator)
	}
	r.pending = &Batch{Payload: b, Records: len(resp.Records), Next: next}
	return r.pending, nil
}

// Commit moves the checkpoint past the batch Next returned.
func (r *Reader) Commit() {
	if r.pending != nil {
		r.cp, r.pending = r.pending.Next, nil
	}
}

// Reset moves the checkpoint to the oldest record the table's current
// stream keeps, skipping what expired, and drops the uncommitted batch.
func (r *Reader) Reset() { r.cp, r.pending = Checkpoint{}, nil }

// start finds the table's stream and its shard and takes the iterator of
// the oldest record kept. A local table's stream has one shard; of a
// stream with several, the first listed is read.
func (r *Reader) start() error {
	name := r.table
	ls, err := r.client.ListStream(&tablestore.ListStreamRequest{TableName: &name})
	if err != nil {
		return fmt.Errorf("streamevent: list the stream of %s: %w", r.table, err)
	}
	if len(ls.Streams) == 0 {
		return fmt.Errorf("%w: %s", ErrNoStream, r.table)
	}
	id := ls.Streams[0].Id
	ds, err := r.client.DescribeStream(&tablestore.DescribeStreamRequest{StreamId: id})
	if err != nil {
		return fmt.Errorf("streamevent: describe the stream of %s: %w", r.table, err)
	}
	if len(ds.Shards) == 0 {
		return fmt.Errorf("streamevent: the stream of %s has no shard", r.table)
	}
	shard := ds.Shards[0].SelfShard
	it, err := r.client.GetShardIterator(&tablestore.GetShardIteratorRequest{StreamId: id, ShardId: shard})
	if err != nil {
		return fmt.Errorf("streamevent: start reading the stream of %s: %w", r.table, err)
	}
	r.cp = Checkpoint{StreamID: string(*id), ShardID: string(*shard), Iterator: string(*it.ShardIterator)}
	return nil
}

func code(err error) string {
	var e *tablestore.OtsError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
