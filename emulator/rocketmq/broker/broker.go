package broker

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
)

// PropProducerGroup is the property naming the producer group of a half
// message, as Apache brokers keep it: its check-back goes to a producer
// of that group.
const PropProducerGroup = "PGROUP"

// Defaults used when the matching Config field is zero.
const (
	DefaultInvisibleTime      = 5 * time.Minute
	DefaultOrderInvisibleTime = time.Minute
	DefaultMaxReconsumeTimes  = 16
	DefaultHalfCheckInterval  = 10 * time.Second
	DefaultHalfLifetime       = 24 * time.Hour
	DefaultMaxBodySize        = 4 << 20
	DefaultRetention          = 72 * time.Hour
)

// Config configures a Broker. The zero value is an in-memory broker on the
// wall clock.
type Config struct {
	// Store holds the broker's data; nil means kv.NewMemory(). The broker
	// owns it: Close closes it.
	Store kv.Store
	// Clock is the time source; nil means time.Now and a background
	// goroutine that runs Tick when a timer is due. With a Clock set no
	// goroutine runs: tests move the clock and call Tick.
	Clock func() time.Time
	// InvisibleTime hides a delivered message from its group until it is
	// redelivered (DefaultInvisibleTime when 0).
	InvisibleTime time.Duration
	// OrderInvisibleTime is InvisibleTime for ordered consumption
	// (DefaultOrderInvisibleTime when 0).
	OrderInvisibleTime time.Duration
	// MaxReconsumeTimes is how many deliveries a message gets before it
	// is dead-lettered (DefaultMaxReconsumeTimes when 0).
	MaxReconsumeTimes int
	// HalfCheckInterval is how long a ConsumeHalf handle stays valid and
	// how often an unresolved half message is offered again
	// (DefaultHalfCheckInterval when 0).
	HalfCheckInterval time.Duration
	// HalfLifetime is how long after publishing an unresolved half message
	// is discarded (DefaultHalfLifetime when 0).
	HalfLifetime time.Duration
	// MaxBodySize bounds message bodies in bytes (DefaultMaxBodySize when 0).
	MaxBodySize int
	// Strict requires topics and groups to be created with CreateTopic and
	// CreateGroup; otherwise they are created on first use.
	Strict bool
	// Retention is how long a message is kept after it becomes
	// deliverable, consumed or not (DefaultRetention when 0, the 4.x
	// series' three days).
	Retention time.Duration
	// Queues is how many queues a topic gets when it is created
	// (DefaultQueues when 0, at most MaxQueues). A topic keeps its number
	// of queues across restarts.
	Queues int
}

func (c Config) withDefaults() Config {
	if c.Store == nil {
		c.Store = kv.NewMemory()
	}
	if c.InvisibleTime <= 0 {
		c.InvisibleTime = DefaultInvisibleTime
	}
	if c.OrderInvisibleTime <= 0 {
		c.OrderInvisibleTime = DefaultOrderInvisibleTime
	}
	if c.MaxReconsumeTimes <= 0 {
		c.MaxReconsumeTimes = DefaultMaxReconsumeTimes
	}
	if c.HalfCheckInterval <= 0 {
		c.HalfCheckInterval = DefaultHalfCheckInterval
	}
	if c.HalfLifetime <= 0 {
		c.HalfLifetime = DefaultHalfLifetime
	}
	if c.MaxBodySize <= 0 {
		c.MaxBodySize = DefaultMaxBodySize
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	if c.Queues <= 0 {
		c.Queues = DefaultQueues
	}
	c.Queues = min(c.Queues, MaxQueues)
	return c
}

// Broker is a RocketMQ broker core: topics, consumer groups, deliveries,
// acknowledgements, delayed, ordered and transactional messages, stored in
// a kv.Store. It is safe for concurrent use.
type Broker struct {
	cfg   Config
	store kv.Store
	clock func() time.Time

	mu     sync.Mutex
	closed bool
	topics map[topicID]*topicState
	groups map[groupID]bool
	timers timerHeap
	dirty  []dirtyItem
	// sweepAt is when the earliest retained message expires (0: none is
	// retained); a timerSweep is scheduled for it.
	sweepAt int64

	done     chan struct{} // closed by Close
	rearm    chan struct{} // a timer earlier than the timer goroutine's
	loopDone chan struct{} // closed when the timer goroutine exits

	published, delivered, acked, deadLettered, committed, rolledBack, expired atomic.Uint64

	waiting atomic.Int64 // Consume and ConsumeHalf calls waiting for a message
}

// Stats counts the broker's work since Open.
type Stats struct {
	Published    uint64 // messages published, half messages included
	Delivered    uint64 // deliveries to consumers, redeliveries included
	Acked        uint64 // deliveries acknowledged
	DeadLettered uint64 // messages moved to a dead-letter list
	Committed    uint64 // half messages committed
	RolledBack   uint64 // half messages rolled back
	Expired      uint64 // messages removed at the end of their retention
}

// Open starts a broker on cfg.Store, rebuilding its indexes from the data
// stored there.
func Open(cfg Config) (*Broker, error) {
	cfg = cfg.withDefaults()
	b := &Broker{
		cfg:    cfg,
		store:  cfg.Store,
		clock:  cfg.Clock,
		topics: map[topicID]*topicState{},
		groups: map[groupID]bool{},
		done:   make(chan struct{}),
		rearm:  make(chan struct{}, 1),
	}
	if b.clock == nil {
		b.clock = time.Now
	}
	if err := b.recover(); err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		b.loopDone = make(chan struct{})
		go b.timerLoop()
	}
	return b, nil
}

// Close stops the broker: waiting consumers return ErrClosed, pending
// bookkeeping is written and the store is closed. Later calls return
// ErrClosed.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	b.closed = true
	close(b.done)
	b.mu.Unlock()
	if b.loopDone != nil {
		<-b.loopDone
	}
	ferr := b.update("close", nil)
	return errors.Join(ferr, storeErr("close store", b.store.Close()))
}

// Stats returns the counters.
func (b *Broker) Stats() Stats {
	return Stats{
		Published:    b.published.Load(),
		Delivered:    b.delivered.Load(),
		Acked:        b.acked.Load(),
		DeadLettered: b.deadLettered.Load(),
		Committed:    b.committed.Load(),
		RolledBack:   b.rolledBack.Load(),
		Expired:      b.expired.Load(),
	}
}

// Waiting is how many Consume and ConsumeHalf calls wait for a message
// now: those that found nothing deliverable and have not yet been woken,
// timed out or ended.
func (b *Broker) Waiting() int { return int(b.waiting.Load()) }

// nowMs is the clock in ms since the epoch.
func (b *Broker) nowMs() int64 { return b.clock().UnixMilli() }

// lockOpen takes b.mu unless the broker is closed.
func (b *Broker) lockOpen() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	return nil
}
