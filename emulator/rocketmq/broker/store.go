package broker

import (
	"encoding/binary"
	"log/slog"
	"strconv"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// Kinds of dirtyItem.
const (
	dirtyState   uint8 = iota + 1 // a message's phase for one subscription
	dirtyRemoved                  // a message every group is done with
	dirtyHalf                     // a half message that may be resolved
	dirtyQueued                   // a delayed message that took its queue offset
	dirtyTopic                    // a topic's queue marks, after messages expired
)

// dirtyItem names in-memory state that the store does not reflect yet.
// It is written by the next update from whatever the memory says then, so
// updates committed in any order leave the store matching memory.
type dirtyItem struct {
	kind  uint8
	topic *topicState
	sub   *subState
	seq   uint64
}

// update runs fn and then writes every dirty item in one store
// transaction, returning once it is durable. It must not be called with
// b.mu held: the transaction takes it.
func (b *Broker) update(op string, fn func(kv.Writer) error) error {
	err := b.store.Update(func(w kv.Writer) error {
		if fn != nil {
			if err := fn(w); err != nil {
				return err
			}
		}
		return b.flushDirty(w)
	})
	return storeErr(op, err)
}

// flushDirty writes the dirty items.
func (b *Broker) flushDirty(w kv.Writer) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	items := b.dirty
	b.dirty = nil
	for _, it := range items {
		if err := b.writeItem(w, it); err != nil {
			return err
		}
	}
	return nil
}

// writeItem writes the current state of one dirty item.
func (b *Broker) writeItem(w kv.Writer, it dirtyItem) error {
	switch it.kind {
	case dirtyState:
		return writeState(w, it.sub, it.seq)
	case dirtyRemoved:
		if err := w.Delete(bucketMsg, seqKey(it.topic.key, it.seq)); err != nil {
			return err
		}
		if err := w.Delete(bucketQPos, seqKey(it.topic.key, it.seq)); err != nil {
			return err
		}
		for _, s := range it.topic.subs {
			if err := deleteState(w, s, it.seq); err != nil {
				return err
			}
		}
	case dirtyHalf:
		if it.topic.halves[it.seq] == nil {
			return w.Delete(bucketHalf, seqKey(it.topic.key, it.seq))
		}
	case dirtyQueued:
		if m := it.topic.slot(it.seq); m != nil && m.qoff != noOffset {
			return w.Put(bucketQPos, seqKey(it.topic.key, it.seq), binary.AppendUvarint(nil, m.qoff))
		}
	case dirtyTopic:
		return w.Put(bucketTopic, []byte(it.topic.key), topicRecord(it.topic))
	}
	return nil
}

// writeState writes the ack or dead-letter record of seq for s.
func writeState(w kv.Writer, s *subState, seq uint64) error {
	if s.topic.slot(seq) == nil {
		return nil // removed: a dirtyRemoved item deletes its records
	}
	k := seqKey(s.key, seq)
	if s.done(seq) {
		if err := w.Delete(bucketDead, k); err != nil {
			return err
		}
		return w.Put(bucketAck, k, []byte{ackAcked})
	}
	if st := s.states[seq]; st != nil && st.phase == phaseDead {
		if err := w.Delete(bucketAck, k); err != nil {
			return err
		}
		return w.Put(bucketDead, k, encodeDead(st))
	}
	return deleteState(w, s, seq)
}

// deleteState deletes the ack and dead-letter records of seq for s.
func deleteState(w kv.Writer, s *subState, seq uint64) error {
	k := seqKey(s.key, seq)
	if err := w.Delete(bucketAck, k); err != nil {
		return err
	}
	return w.Delete(bucketDead, k)
}

// encodeDead serializes a dead-letter record.
func encodeDead(st *msgState) []byte {
	b := binary.AppendUvarint(nil, uint64(st.consumed))
	b = binary.AppendVarint(b, st.first)
	b = binary.AppendVarint(b, st.deadAt)
	return appendString(b, st.reason)
}

// decodeDead parses a dead-letter record into a dead msgState.
func decodeDead(rec []byte) (*msgState, error) {
	d := &decoder{b: rec}
	st := &msgState{phase: phaseDead}
	st.consumed = int(d.uvarint())
	st.first = d.varint()
	st.deadAt = d.varint()
	st.reason = d.string()
	return st, d.err
}

// markDone records that s is done with seq (acknowledged or skipped).
// The message stays for the other groups until its retention ends. b.mu
// is held.
func (b *Broker) markDone(s *subState, seq uint64) {
	st := s.states[seq]
	if st == nil {
		st = &msgState{}
		s.states[seq] = st
	}
	st.phase = phaseDone
	b.dirty = append(b.dirty, dirtyItem{kind: dirtyState, sub: s, seq: seq})
	s.advance()
}

// deadLetter moves seq to the dead-letter list of s. b.mu is held.
func (b *Broker) deadLetter(s *subState, seq uint64, st *msgState, now int64) {
	st.phase = phaseDead
	st.deadAt = now
	st.reason = "not acknowledged after " + strconv.Itoa(st.consumed) + " deliveries"
	b.dirty = append(b.dirty, dirtyItem{kind: dirtyState, sub: s, seq: seq})
	b.deadLettered.Add(1)
	slog.Debug("rocketmq: dead-lettered", "topic", s.topic.id.topic, "group", s.group,
		"instance", s.topic.id.instance, "seq", seq, "deliveries", st.consumed)
	s.topic.signal() // an ordered partition may be free now
}

// loadMessages reads the records of seqs under prefix from bucket,
// bodies included; a missing record leaves its Message zero.
func (b *Broker) loadMessages(bucket, prefix string, seqs []uint64, skip int) ([]Message, error) {
	out := make([]Message, len(seqs))
	err := b.store.View(func(r kv.Reader) error {
		for i, seq := range seqs {
			v := r.Get(bucket, seqKey(prefix, seq))
			if v == nil || len(v) < skip {
				slog.Warn("rocketmq: message record missing", "bucket", bucket, "seq", seq)
				continue
			}
			m, err := decodeMessage(v[skip:], true)
			if err != nil {
				return err
			}
			out[i] = m
		}
		return nil
	})
	return out, storeErr("read messages", err)
}
