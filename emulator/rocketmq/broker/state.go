package broker

// topicState is the in-memory index of one topic: its retained messages by
// sequence number, the subscriptions of the groups that consume it and its
// unresolved half messages. All fields are guarded by Broker.mu.
type topicState struct {
	id       topicID
	key      string
	scope    uint32     // of its half-message handles
	base     uint64     // sequence number of msgs[0]
	msgs     []*msgMeta // nil: removed (every group is done with it)
	subs     map[string]*subState
	halves   map[uint64]*halfEntry
	nextHalf uint64
	queues   []queueLog         // by queue ID
	turn     uint64             // the queue of the next message without a sharding key
	delayed  []*msgMeta         // retained messages not in their queue yet
	offsets  map[string][]int64 // committed offsets by group, per queue (-1: none)
	wake     chan struct{}      // closed and replaced when consumers may find a message
	halfWake chan struct{}      // the same for ConsumeHalf
}

// msgMeta is what the broker keeps in memory about a retained message;
// bodies stay in the store.
type msgMeta struct {
	seq       uint64
	id        string
	tag       string
	shard     string
	born      int64  // publish time, ms
	deliverAt int64  // ms
	ready     bool   // committed to the store
	queue     int    // queue ID
	qoff      uint64 // offset in the queue; noOffset until the message is due
}

// Phases of a message for one subscription; a message with no msgState
// and a sequence number at or above subState.low is pending.
const (
	phaseDelivered uint8 = iota + 1 // invisible until next, then to be redelivered
	phaseDone                       // acknowledged or skipped by the tag filter
	phaseDead                       // dead-lettered
)

// msgState is the delivery bookkeeping of one message for one group.
type msgState struct {
	phase    uint8
	skipped  bool   // phaseDone by the tag filter rather than an ack
	consumed int    // deliveries so far
	first    int64  // first delivery, ms
	next     int64  // end of the current invisibility, ms
	nonce    uint64 // of the current delivery
	reason   string // why it was dead-lettered
	deadAt   int64  // ms
}

// subState is one group's subscription to a topic.
type subState struct {
	topic  *topicState
	group  string
	key    string
	scope  uint32
	low    uint64 // every message below is done for this group
	states map[uint64]*msgState
}

// halfEntry is an unresolved half (transactional) message.
type halfEntry struct {
	seq       uint64
	meta      msgMeta // the message as it will be published on commit
	nonce     uint64  // of the valid handle
	expires   int64   // end of the valid handle, ms
	nextOffer int64   // when ConsumeHalf may offer it, ms
	dropAt    int64   // when it is discarded unresolved, ms
	consumed  int     // offers so far
	first     int64   // first offer, ms
	ready     bool    // committed to the store
	queue     int     // the producer's queue, or -1
	producer  string  // the producer group (PropProducerGroup)
}

func newTopicState(id topicID, queues int) *topicState {
	return &topicState{
		queues:   make([]queueLog, queues),
		offsets:  map[string][]int64{},
		id:       id,
		key:      id.key(),
		scope:    scopeOf(id.key()),
		base:     1,
		subs:     map[string]*subState{},
		halves:   map[uint64]*halfEntry{},
		nextHalf: 1,
		wake:     make(chan struct{}),
		halfWake: make(chan struct{}),
	}
}

// end is the sequence number the next message will get.
func (t *topicState) end() uint64 { return t.base + uint64(len(t.msgs)) }

// slot returns the retained message seq, or nil.
func (t *topicState) slot(seq uint64) *msgMeta {
	if seq < t.base || seq >= t.end() {
		return nil
	}
	return t.msgs[seq-t.base]
}

// add appends m with the next sequence number, not yet ready, to queue
// (-1: the broker's choice). A message due by now takes the next offset of
// its queue; a delayed one takes it when it is due.
func (t *topicState) add(m msgMeta, queue int, now int64) *msgMeta {
	m.seq = t.end()
	m.queue = t.pickQueue(m.shard, queue)
	m.qoff = noOffset
	p := &m
	t.msgs = append(t.msgs, p)
	if m.deliverAt <= now {
		t.enqueue(p)
	} else {
		t.delayed = append(t.delayed, p)
	}
	return p
}

// signal wakes consumers waiting on the topic.
func (t *topicState) signal() {
	close(t.wake)
	t.wake = make(chan struct{})
}

// signalHalf wakes ConsumeHalf callers waiting on the topic.
func (t *topicState) signalHalf() {
	close(t.halfWake)
	t.halfWake = make(chan struct{})
}

// newSub subscribes group to t, starting at the message start or, when
// it is gone, the earliest retained one.
func (t *topicState) newSub(group string, start uint64) *subState {
	s := &subState{
		topic:  t,
		group:  group,
		key:    subKey(t.id, group),
		low:    max(start, t.base),
		states: map[uint64]*msgState{},
	}
	s.scope = scopeOf(s.key)
	t.subs[group] = s
	s.advance()
	return s
}

// done reports whether seq needs nothing more from this group.
func (s *subState) done(seq uint64) bool {
	if seq < s.low || s.topic.slot(seq) == nil {
		return true
	}
	st := s.states[seq]
	return st != nil && st.phase == phaseDone
}

// advance moves low past the messages the group is done with.
func (s *subState) advance() {
	for s.low < s.topic.end() && s.done(s.low) {
		delete(s.states, s.low)
		s.low++
	}
}

// remove forgets message seq: every group is done with it, or its publish
// failed.
func (t *topicState) remove(seq uint64) {
	m := t.slot(seq)
	if m == nil {
		return
	}
	t.dequeue(m)
	t.msgs[seq-t.base] = nil
	for _, s := range t.subs {
		delete(s.states, seq)
		s.advance()
	}
	t.trim()
}

// trim drops removed messages from the front of the index.
func (t *topicState) trim() {
	i := 0
	for i < len(t.msgs) && t.msgs[i] == nil {
		i++
	}
	if i == 0 {
		return
	}
	t.base += uint64(i)
	t.msgs = t.msgs[i:]
	if c := cap(t.msgs); c > 1024 && len(t.msgs) < c/4 {
		t.msgs = append([]*msgMeta(nil), t.msgs...)
	}
}
