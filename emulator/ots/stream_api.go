package ots

import (
	"sort"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Limits of GetStreamRecord: records per answer (also the default), and
// bytes of records per answer, which the first record may exceed alone.
const (
	maxStreamRecords = 1000
	maxRecordBytes   = 4 << 20
)

// errTrimmed is the service's answer to an iterator whose position has
// expired, or whose stream or shard is gone.
func errTrimmed() *Error {
	return errorf(CodeTrimmedDataAccess, "Requested stream data is already trimmed or does not exist.")
}

func streamNotExist(id string) *Error {
	return errorf(CodeObjectNotExist, "Requested stream does not exist: %q.", id)
}

// streams lists the data tables with a stream, by table name.
func (c *catalog) streams() []*table {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*table
	for _, t := range c.tables {
		if t.index == nil && t.stream != nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// byStream returns the table whose stream is id.
func (c *catalog) byStream(id string) (*table, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, t := range c.tables {
		if t.stream != nil && t.stream.id == id {
			return t, true
		}
	}
	return nil, false
}

func streamMessage(t *table) *pb.Stream {
	return &pb.Stream{StreamId: proto.String(t.stream.id), TableName: proto.String(t.name), CreationTime: proto.Int64(t.stream.created)}
}

func (s *Server) listStream(req *pb.ListStreamRequest) (answer, error) {
	resp := &pb.ListStreamResponse{}
	if req.TableName != nil {
		t, err := s.tables.get(req.GetTableName())
		if err != nil {
			return nil, err
		}
		if t.stream != nil {
			resp.Streams = append(resp.Streams, streamMessage(t))
		}
		return resp, nil
	}
	for _, t := range s.tables.streams() {
		resp.Streams = append(resp.Streams, streamMessage(t))
	}
	return resp, nil
}

func (s *Server) describeStream(req *pb.DescribeStreamRequest) (answer, error) {
	t, ok := s.tables.byStream(req.GetStreamId())
	if !ok {
		return nil, streamNotExist(req.GetStreamId())
	}
	if req.ShardLimit != nil && req.GetShardLimit() <= 0 {
		return nil, invalid("shard_limit must be positive, got %d.", req.GetShardLimit())
	}
	st := t.stream
	resp := &pb.DescribeStreamResponse{
		StreamId:       proto.String(st.id),
		ExpirationTime: proto.Int32(st.expiration),
		TableName:      proto.String(t.name),
		CreationTime:   proto.Int64(st.created),
		StreamStatus:   pb.StreamStatus_STREAM_ACTIVE.Enum(),
		Shards:         []*pb.StreamShard{},
	}
	// Shards are listed by ID from inclusive_start_shard_id; the one shard
	// of a local stream is listed unless the start is past it.
	if req.InclusiveStartShardId == nil || req.GetInclusiveStartShardId() <= st.shard {
		resp.Shards = append(resp.Shards, &pb.StreamShard{ShardId: proto.String(st.shard)})
	}
	return resp, nil
}

// shardOfRequest returns the table and stream a request names by stream
// and shard ID.
func (s *Server) shardOfRequest(streamID, shardID string) (*table, *Error) {
	t, ok := s.tables.byStream(streamID)
	if !ok {
		return nil, streamNotExist(streamID)
	}
	if shardID != t.stream.shard {
		return nil, errorf(CodeObjectNotExist, "Requested shard does not exist: %q in stream %q.", shardID, streamID)
	}
	return t, nil
}

func (s *Server) getShardIterator(req *pb.GetShardIteratorRequest) (answer, error) {
	t, err := s.shardOfRequest(req.GetStreamId(), req.GetShardId())
	if err != nil {
		return nil, err
	}
	if req.Timestamp != nil && req.GetTimestamp() < 0 {
		return nil, invalid("timestamp must not be negative, got %d.", req.GetTimestamp())
	}
	st := t.stream
	var pos uint64
	verr := s.store.View(func(r kv.Reader) error {
		horizon, tail, err := streamBounds(r, st, s.now().UnixMicro())
		if err != nil {
			return err
		}
		pos = horizon
		if req.Timestamp != nil {
			pos, err = seekStream(r, st, horizon, tail, req.GetTimestamp())
		}
		return err
	})
	if verr != nil {
		return nil, verr
	}
	// The whole shard is searched at once: no next_token.
	return &pb.GetShardIteratorResponse{ShardIterator: proto.String(shardIterator{stream: st.id, shard: st.shard, pos: pos}.String())}, nil
}

func (s *Server) getStreamRecord(req *pb.GetStreamRecordRequest) (answer, error) {
	it, ok := parseShardIterator(req.GetShardIterator())
	if !ok {
		return nil, invalid("Invalid shard iterator: it is not one this instance hands out.")
	}
	limit := maxStreamRecords
	if req.Limit != nil {
		if req.GetLimit() <= 0 {
			return nil, invalid("limit must be positive, got %d.", req.GetLimit())
		}
		limit = min(int(req.GetLimit()), maxStreamRecords)
	}
	t, found := s.tables.byStream(it.stream)
	if !found || t.stream.shard != it.shard {
		return nil, errTrimmed()
	}
	st := t.stream
	var recs []storedRecord
	verr := s.store.View(func(r kv.Reader) error {
		horizon, tail, err := streamBounds(r, st, s.now().UnixMicro())
		if err != nil {
			return err
		}
		if it.pos < horizon || it.pos > tail {
			return errTrimmed()
		}
		recs, err = readStream(r, st, it.pos, limit)
		return err
	})
	if verr != nil {
		return nil, verr
	}
	resp := &pb.GetStreamRecordResponse{StreamRecords: make([]*pb.GetStreamRecordResponse_StreamRecord, len(recs))}
	next := it
	for i, rec := range recs {
		resp.StreamRecords[i] = &pb.GetStreamRecordResponse_StreamRecord{ActionType: rec.action.Enum(), Record: rec.record}
		next.pos = rec.seq + 1
	}
	// The shard never closes, so there is always a next iterator.
	resp.NextShardIterator = proto.String(next.String())
	return resp, nil
}
