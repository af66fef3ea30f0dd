package eventbridge

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Buckets of the Store. Trigger names hold no NUL, which separates the
// parts of a key.
const (
	bucketEvent = "eventbridge.event" // trigger NUL seq → eventRecord: accepted, not yet done
	bucketBatch = "eventbridge.batch" // trigger → batchRecord: the batch being retried or blocked
	bucketDead  = "eventbridge.dead"  // trigger NUL seq → eventRecord with the failure
	bucketMeta  = "eventbridge.meta"  // trigger → metaRecord
	bucketInbox = "eventbridge.inbox" // trigger NUL message ID → seq: taken over, ack not yet known
)

// eventRecord is an accepted event, or a dead letter with its failure.
type eventRecord struct {
	ID       string          `json:"id"`              // CloudEvent id
	Msg      string          `json:"msg"`             // RocketMQ message ID
	Shard    string          `json:"shard,omitempty"` // sharding key
	At       int64           `json:"at"`              // ms: accepted, or dead-lettered
	Attempts int             `json:"attempts,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Payload  json.RawMessage `json:"p"` // the event as delivered
}

// batchRecord is a batch awaiting a retry, or blocking its trigger.
type batchRecord struct {
	Seqs     []uint64 `json:"seqs"`
	Attempts int      `json:"attempts"`
	Due      int64    `json:"due"` // ms
	Blocked  bool     `json:"blocked,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	At       int64    `json:"at,omitempty"` // ms: blocked
}

// metaRecord holds a trigger's counters.
type metaRecord struct {
	Next     uint64 `json:"next"`     // next event sequence number
	Consumed uint64 `json:"consumed"` // messages consumed (MAX_OFFSET)
}

// prefix is the first key of a trigger's records in a bucket.
func prefix(trigger string) []byte { return []byte(trigger + "\x00") }

// prefixEnd is the key after the trigger's records.
func prefixEnd(trigger string) []byte { return []byte(trigger + "\x01") }

// seqKey is the key of a trigger's event or dead letter.
func seqKey(trigger string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(prefix(trigger), seq)
}

// keySeq is the sequence number at the end of a seqKey.
func keySeq(k []byte) uint64 {
	if len(k) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k[len(k)-8:])
}

// inboxKey is the key of a message's marker.
func inboxKey(trigger, msgID string) []byte { return append(prefix(trigger), msgID...) }

// putJSON stores v as JSON.
func putJSON(w kv.Writer, bucket string, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return w.Put(bucket, key, raw)
}

// record is an entry's store form.
func (e *entry) record() eventRecord {
	return eventRecord{ID: e.id, Msg: e.msgID, Shard: e.shard, At: e.at.UnixMilli(), Payload: e.payload}
}

// entryOf is the entry a stored record describes.
func entryOf(seq uint64, r eventRecord) *entry {
	return &entry{seq: seq, id: r.ID, msgID: r.Msg, shard: r.Shard, at: time.UnixMilli(r.At), payload: r.Payload}
}

// saved is what the Store holds for a trigger.
type saved struct {
	meta    metaRecord
	events  []*entry
	batch   *batchRecord
	maxDead uint64
}

// load reads a trigger's records.
func load(store kv.Store, trigger string) (saved, error) {
	var s saved
	err := store.View(func(r kv.Reader) error {
		if err := getJSON(r, bucketMeta, []byte(trigger), &s.meta); err != nil {
			return err
		}
		var b batchRecord
		if raw := r.Get(bucketBatch, []byte(trigger)); raw != nil {
			if err := json.Unmarshal(raw, &b); err != nil {
				return fmt.Errorf("batch record: %w", err)
			}
			s.batch = &b
		}
		err := r.Scan(bucketDead, prefixEnd(trigger), prefix(trigger), true, func(k, _ []byte) bool {
			s.maxDead = keySeq(k)
			return false
		})
		if err != nil {
			return err
		}
		var derr error
		err = r.Scan(bucketEvent, prefix(trigger), prefixEnd(trigger), false, func(k, v []byte) bool {
			var rec eventRecord
			if derr = json.Unmarshal(v, &rec); derr != nil {
				return false
			}
			s.events = append(s.events, entryOf(keySeq(k), rec))
			return true
		})
		if derr != nil {
			return fmt.Errorf("event record: %w", derr)
		}
		return err
	})
	if err != nil {
		return saved{}, fmt.Errorf("eventbridge: loading trigger %s: %w", trigger, err)
	}
	return s, nil
}

// getJSON decodes the value at key into v; an absent key leaves v alone.
func getJSON(r kv.Reader, bucket string, key []byte, v any) error {
	raw := r.Get(bucket, key)
	if raw == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s record: %w", bucket, err)
	}
	return nil
}

// loadDead reads a trigger's dead letters in order.
func loadDead(store kv.Store, trigger string) ([]uint64, []eventRecord, error) {
	var seqs []uint64
	var recs []eventRecord
	err := store.View(func(r kv.Reader) error {
		var derr error
		err := r.Scan(bucketDead, prefix(trigger), prefixEnd(trigger), false, func(k, v []byte) bool {
			var rec eventRecord
			if derr = json.Unmarshal(v, &rec); derr != nil {
				return false
			}
			seqs, recs = append(seqs, keySeq(k)), append(recs, rec)
			return true
		})
		if derr != nil {
			return fmt.Errorf("dead-letter record: %w", derr)
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("eventbridge: reading dead letters of %s: %w", trigger, err)
	}
	return seqs, recs, nil
}
