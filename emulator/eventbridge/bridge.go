package eventbridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/rocketmq/broker"
)

// Source is what triggers consume from, with the semantics of package
// broker: receipt handles, acknowledgements, redelivery after an
// invisibility time, and per-group positions.
type Source interface {
	Consume(ctx context.Context, r broker.ConsumeRequest) ([]broker.Delivery, error)
	Ack(ctx context.Context, instance, topic, group string, handles []string) ([]broker.HandleError, error)
	Subscribe(instance, topic, group string, start broker.Position) (bool, error)
	// DeadLetters validates names (an invalid one wraps
	// broker.ErrInvalidArgument) and creates nothing.
	DeadLetters(instance, topic, group string) ([]broker.DeadLetter, error)
}

// Config configures a Bridge.
type Config struct {
	// Broker is where the triggers consume from: the local RocketMQ
	// broker (*broker.Broker), or a RocketMQ cluster reached over the
	// remoting protocol (package cluster). Required.
	Broker Source
	// Store keeps the bridge's durable state: events accepted and not yet
	// done, retry schedules, blocks and dead letters. nil: in memory. The
	// caller owns it and closes it after Run has returned.
	Store kv.Store
	// Clock is the time source; nil means time.Now. With a Clock no timer
	// runs: the caller moves the clock and calls Tick.
	Clock func() time.Time
	// Capture is a directory where every invocation payload is recorded
	// (see Replay); "" records nothing.
	Capture string
	// Logger receives the bridge's logs; nil discards them.
	Logger *slog.Logger
}

// Bridge is a local EventBridge: it consumes the RocketMQ messages of its
// triggers and delivers them to their sinks as EventBridge delivers them
// to Function Compute. It is safe for concurrent use.
type Bridge struct {
	broker   Source
	store    kv.Store
	clock    func() time.Time
	wall     bool // the clock is time.Now: the dispatchers use timers
	captures string
	log      *slog.Logger
	events   chan Record

	mu       sync.Mutex
	triggers map[string]*trigger
	order    []*trigger
	run      *runState // set while Run runs

	capMu   sync.Mutex
	capLast time.Time // last capture time, to keep file names ordered
}

// recordBuffer is how many Records the Events channel holds for a slow
// reader before dropping.
const recordBuffer = 256

// New returns a Bridge with no triggers.
func New(cfg Config) (*Bridge, error) {
	if cfg.Broker == nil {
		return nil, errors.New("eventbridge: Config.Broker is nil")
	}
	b := &Bridge{
		broker: cfg.Broker, store: cfg.Store, clock: cfg.Clock, captures: cfg.Capture,
		log: cfg.Logger, events: make(chan Record, recordBuffer), triggers: map[string]*trigger{},
	}
	if b.store == nil {
		b.store = kv.NewMemory()
	}
	if b.clock == nil {
		b.clock, b.wall = time.Now, true
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	return b, nil
}

// Add validates a trigger and adds it with its sink. It subscribes the
// trigger's group to its topic at the trigger's Offset unless the group
// is subscribed already (then it keeps its position); on a strict broker
// the topic and the group must have been created. The trigger resumes
// what the Store holds for it: events accepted and not yet delivered, the
// retry schedule of a failed batch, a block and the dead letters. Added
// while Run runs, the trigger starts at once.
func (b *Bridge) Add(t Trigger, sink Sink) error {
	if sink == nil {
		return fmt.Errorf("eventbridge: trigger %s: sink is nil", t.Name)
	}
	pat, err := normalize(&t, b.broker)
	if err != nil {
		return err
	}
	start, err := position(&t)
	if err != nil {
		return err
	}
	tr := newTrigger(t, sink, pat)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.triggers[t.Name] != nil {
		return fmt.Errorf("eventbridge: trigger %s is already added", t.Name)
	}
	if err := b.subscribe(&t, start); err != nil {
		return err
	}
	s, err := load(b.store, t.Name)
	if err != nil {
		return err
	}
	tr.restore(s)
	if n := len(s.events); n > 0 {
		b.log.Info("eventbridge: resuming stored events", "trigger", t.Name, "events", n)
	}
	b.triggers[t.Name] = tr
	b.order = append(b.order, tr)
	if b.run != nil {
		b.start(b.run, tr)
	}
	return nil
}

// lookup returns the trigger called name.
func (b *Bridge) lookup(name string) (*trigger, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.triggers[name]; t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("eventbridge: no trigger %q", name)
}

// all returns the triggers in the order they were added.
func (b *Bridge) all() []*trigger {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*trigger(nil), b.order...)
}

// Trigger returns the trigger called name as added, defaults filled.
func (b *Bridge) Trigger(name string) (Trigger, bool) {
	t, err := b.lookup(name)
	if err != nil {
		return Trigger{}, false
	}
	return t.cfg, true
}

// Triggers returns the names of the triggers in the order they were added.
func (b *Bridge) Triggers() []string {
	var names []string
	for _, t := range b.all() {
		names = append(names, t.cfg.Name)
	}
	return names
}

// Due returns when something is next due: a batch window ends or a retry
// is scheduled. It is zero when every trigger waits for messages or is
// blocked; a time not after the clock means work is ready now. Tests
// with a fake clock move it there and call Tick.
func (b *Bridge) Due() time.Time {
	var due time.Time
	for _, t := range b.all() {
		if d := t.due(); !d.IsZero() && (due.IsZero() || d.Before(due)) {
			due = d
		}
	}
	return due
}
