package ots

import (
	"encoding/binary"

	pb "github.com/aliyun/aliyun-tablestore-go-sdk/tablestore/otsprotocol"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/plainbuf"
)

// streamChange is what a stream records of one applied change: its action
// and the row as the record carries it, the primary key then the cells as
// the change wrote them (puts with their value and timestamp, deletes of
// one version with their timestamp, deletes of all versions bare, an
// increment as the put of its result), or the delete marker.
type streamChange struct {
	action pb.ActionType
	row    plainbuf.Row
}

// streamState is what a stream handed out last: the sequence number, the
// time in microseconds and the row index among records of that time.
type streamState struct {
	seq   uint64
	time  int64
	index uint32
}

func loadStreamState(r kv.Reader, st *stream) streamState {
	b := r.Get(streamStateBucket, []byte(st.id))
	if len(b) != 20 {
		return streamState{}
	}
	return streamState{seq: binary.BigEndian.Uint64(b), time: int64(binary.BigEndian.Uint64(b[8:])), index: binary.BigEndian.Uint32(b[16:])}
}

func (ss streamState) encode() []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 20), ss.seq)
	b = binary.BigEndian.AppendUint64(b, uint64(ss.time))
	return binary.BigEndian.AppendUint32(b, ss.index)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// A stored record is its action byte, its time in microseconds (8 bytes,
// big-endian) and the record's plain buffer as GetStreamRecord answers it.
const recordHeader = 9

// storedRecord is a record read back from the store.
type storedRecord struct {
	seq    uint64
	action pb.ActionType
	time   int64
	record []byte
}

func decodeStoredRecord(k, v []byte) (storedRecord, bool) {
	if len(k) != 8 || len(v) < recordHeader {
		return storedRecord{}, false
	}
	return storedRecord{
		seq:    binary.BigEndian.Uint64(k),
		action: pb.ActionType(v[0]),
		time:   int64(binary.BigEndian.Uint64(v[1:])),
		record: v[recordHeader:],
	}, true
}

// maxTrimPerCommit bounds the expired records one commit deletes, so a
// write after a long pause does not stall on a backlog: the rest go with
// later commits, and reads skip them meanwhile.
const maxTrimPerCommit = 256

// appendStream records changes in st's shard, in order, within the Update
// w that applies them: records are durable with their rows and only with
// them. Each gets the next sequence number and a time that never goes
// back; records of the same time are told apart by their row index. It
// then deletes records past the stream's retention.
func (s *Server) appendStream(w kv.Writer, st *stream, changes []streamChange) error {
	if st == nil || len(changes) == 0 {
		return nil
	}
	s.signal.appended.Add(1)
	ss := loadStreamState(w, st)
	now := s.now().UnixMicro()
	for _, c := range changes {
		if now > ss.time {
			ss.time, ss.index = now, 0
		} else if ss.seq > 0 {
			ss.index++
		}
		ss.seq++
		row := c.row
		row.Sequence = &plainbuf.Sequence{Timestamp: ss.time, RowIndex: ss.index}
		v := make([]byte, recordHeader, recordHeader+64)
		v[0] = byte(c.action)
		binary.BigEndian.PutUint64(v[1:], uint64(ss.time))
		v = plainbuf.Append(v, row)
		if err := w.Put(st.bucket(), seqKey(ss.seq), v); err != nil {
			return err
		}
	}
	if err := w.Put(streamStateBucket, []byte(st.id), ss.encode()); err != nil {
		return err
	}
	return trimStream(w, st, now-st.retention())
}

// trimStream deletes up to maxTrimPerCommit records older than cutoff.
func trimStream(w kv.Writer, st *stream, cutoff int64) error {
	var old [][]byte
	err := w.Scan(st.bucket(), nil, nil, false, func(k, v []byte) bool {
		rec, ok := decodeStoredRecord(k, v)
		if !ok || rec.time >= cutoff {
			return false
		}
		old = append(old, append([]byte(nil), k...))
		return len(old) < maxTrimPerCommit
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := w.Delete(st.bucket(), k); err != nil {
			return err
		}
	}
	return nil
}

// streamBounds returns st's trim horizon, the sequence number of its
// oldest record within retention at nowUs (tail when there is none), and
// its tail, the sequence number the next record will get. Positions from
// horizon to tail are readable.
func streamBounds(r kv.Reader, st *stream, nowUs int64) (horizon, tail uint64, err error) {
	tail = loadStreamState(r, st).seq + 1
	horizon = tail
	cutoff := nowUs - st.retention()
	err = r.Scan(st.bucket(), nil, nil, false, func(k, v []byte) bool {
		rec, ok := decodeStoredRecord(k, v)
		if ok && rec.time >= cutoff {
			horizon = rec.seq
			return false
		}
		return true
	})
	return horizon, tail, err
}

// seekStream returns the position of st's first record at or after
// timeUs, from horizon on, or tail when there is none.
func seekStream(r kv.Reader, st *stream, horizon, tail uint64, timeUs int64) (uint64, error) {
	pos := tail
	err := r.Scan(st.bucket(), seqKey(horizon), nil, false, func(k, v []byte) bool {
		rec, ok := decodeStoredRecord(k, v)
		if ok && rec.time >= timeUs {
			pos = rec.seq
			return false
		}
		return true
	})
	return pos, err
}

// readStream returns up to limit records of st from position pos, and at
// most maxRecordBytes of them unless the first alone is larger. Record
// bytes are copied out of the store.
func readStream(r kv.Reader, st *stream, pos uint64, limit int) ([]storedRecord, error) {
	var out []storedRecord
	size := 0
	err := r.Scan(st.bucket(), seqKey(pos), nil, false, func(k, v []byte) bool {
		rec, ok := decodeStoredRecord(k, v)
		if !ok {
			return true
		}
		if len(out) > 0 && size+len(rec.record) > maxRecordBytes {
			return false
		}
		rec.record = append([]byte(nil), rec.record...)
		out = append(out, rec)
		size += len(rec.record)
		return len(out) < limit
	})
	return out, err
}
