package eventbridge

import "time"

// Stats counts a trigger's work since it was added (counters are not
// durable) and shows its state now.
type Stats struct {
	Accepted     int64 // events taken over from the broker (pattern passed)
	Filtered     int64 // messages the pattern dropped
	Duplicates   int64 // broker redeliveries of messages already taken over, dropped
	Invocations  int64 // sink calls, retries included
	Delivered    int64 // events in successful invocations
	Failed       int64 // failed attempts
	Retried      int64 // invocations that were retries
	DeadLettered int64 // events moved to the dead-letter list
	Skipped      int64 // events dropped after their retries (ToleranceAll, no dead letters)
	Redriven     int64 // dead letters and blocked events redriven
	Pending      int   // events accepted and not yet done
	Blocked      bool  // the trigger is blocked (ToleranceNone) until a redrive
}

// Stats returns the counters and state of a trigger; zero for an unknown
// one.
func (b *Bridge) Stats(trigger string) Stats {
	t, err := b.lookup(trigger)
	if err != nil {
		return Stats{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.Pending = len(t.queue)
	if t.batch != nil {
		s.Pending += len(t.batch.entries)
		s.Blocked = t.batch.blocked
	}
	return s
}

// Record describes one invocation, for a live view such as a web console.
type Record struct {
	Trigger, Function string
	RequestID         string
	EventIDs          []string // CloudEvent ids, in payload order
	MessageIDs        []string // RocketMQ message IDs (UNIQ_KEY), in payload order
	Attempt           int      // 1 for the first invocation of a batch
	Bytes             int      // payload size
	Outcome           Outcome
	Err               string        // the sink's error, when it could not run
	Start             time.Time     // on the bridge's clock
	Duration          time.Duration // wall time of the invocation
}

// Events returns a feed of the invocations. Records are dropped while
// nobody reads and the buffer is full, so reading is optional.
func (b *Bridge) Events() <-chan Record { return b.events }

// publish offers a record to the feed without blocking.
func (b *Bridge) publish(r Record) {
	select {
	case b.events <- r:
	default:
	}
}
