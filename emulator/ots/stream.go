package ots

import (
	"crypto/rand"
	"fmt"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"
	"google.golang.org/protobuf/proto"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// A stream's records expire after 1 to 168 hours, as the service accepts.
const (
	minStreamExpiration = 1
	maxStreamExpiration = 168
)

// Buckets of the stream records: stream/<stream id> holds each record
// under its sequence number (big-endian), streamstate the last sequence
// number, time and row index handed out per stream.
const (
	streamPrefix      = "stream/"
	streamStateBucket = "streamstate"
)

// stream is a table's stream, as its stored description tells it.
type stream struct {
	id         string
	shard      string
	expiration int32 // hours
	created    int64 // microseconds
}

func (st *stream) bucket() string { return streamPrefix + st.id }

// retention is how long the stream keeps a record, in microseconds.
func (st *stream) retention() int64 { return int64(st.expiration) * 3600 * 1e6 }

// streamOf returns the stream of a table's description, or nil.
func streamOf(desc *pb.DescribeTableResponse) *stream {
	d := desc.GetStreamDetails()
	if !d.GetEnableStream() {
		return nil
	}
	return &stream{id: d.GetStreamId(), shard: shardOf(d.GetStreamId()), expiration: d.GetExpirationTime(), created: d.GetLastEnableTime()}
}

// shardOf is the ID of a stream's one shard: a local table has one
// partition, so its stream has one shard, which never splits or closes.
func shardOf(streamID string) string { return streamID + ".0" }

// newStreamID returns a fresh stream ID, shaped like a UUID.
func newStreamID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// checkStreamSpec validates a stream specification that enables a stream.
func checkStreamSpec(spec *pb.StreamSpecification) *Error {
	if !spec.GetEnableStream() {
		return nil
	}
	if spec.ExpirationTime == nil {
		return invalid("expiration_time is required to enable a stream: give it in hours, %d to %d.", minStreamExpiration, maxStreamExpiration)
	}
	if e := spec.GetExpirationTime(); e < minStreamExpiration || e > maxStreamExpiration {
		return invalid("Invalid stream expiration time: %d hours. It must be in range [%d, %d].", e, minStreamExpiration, maxStreamExpiration)
	}
	return nil
}

// enabledDetails are the stream details of a stream enabled now.
func (s *Server) enabledDetails(expiration int32) *pb.StreamDetails {
	return &pb.StreamDetails{
		EnableStream:   proto.Bool(true),
		StreamId:       proto.String(newStreamID()),
		ExpirationTime: proto.Int32(expiration),
		LastEnableTime: proto.Int64(s.now().UnixMicro()),
	}
}

func disabledDetails() *pb.StreamDetails { return &pb.StreamDetails{EnableStream: proto.Bool(false)} }

// applyStreamSpec changes desc's stream as UpdateTable's spec asks, within
// the Update w. Enabling a stream that is enabled keeps it when the
// expiration is the same (the service does not change a stream's
// expiration); disabling one drops its records.
func (s *Server) applyStreamSpec(w kv.Writer, desc *pb.DescribeTableResponse, spec *pb.StreamSpecification) error {
	if spec == nil {
		return nil
	}
	if err := checkStreamSpec(spec); err != nil {
		return err
	}
	old := streamOf(desc)
	switch {
	case spec.GetEnableStream() && old != nil:
		if old.expiration != spec.GetExpirationTime() {
			return invalid("The stream of table %q is enabled with an expiration time of %d hours, which cannot be changed: disable the stream first.", desc.GetTableMeta().GetTableName(), old.expiration)
		}
	case spec.GetEnableStream():
		desc.StreamDetails = s.enabledDetails(spec.GetExpirationTime())
	case old != nil:
		desc.StreamDetails = disabledDetails()
		return dropStream(w, old)
	}
	return nil
}

// dropStream deletes a stream's records and state.
func dropStream(w kv.Writer, st *stream) error {
	if err := w.DeleteBucket(st.bucket()); err != nil {
		return err
	}
	return w.Delete(streamStateBucket, []byte(st.id))
}
