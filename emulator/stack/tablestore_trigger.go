package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"

	"github.com/rocketfn/rocketfn/emulator/fcinvoker"
	"github.com/rocketfn/rocketfn/emulator/kv"
	"github.com/rocketfn/rocketfn/emulator/ots/streamevent"
	"github.com/rocketfn/rocketfn/internal/syaml"
)

// The retry schedule of a failed invocation of a Tablestore trigger. The
// cloud "retries until the log data in Tablestore expires"
// (https://www.alibabacloud.com/help/en/functioncompute/fc/tablestore-triggers,
// "Retry behavior on failure") and publishes no interval, so the local
// trigger retries without a limit, 1 s after the first failure, doubling
// up to retryMaxDelay, until the records expire or their stream is
// disabled (which the cloud documents as the way to stop the retries).
const (
	retryFirstDelay = time.Second
	retryMaxDelay   = 32 * time.Second
)

// readRetryDelay is the pause, on the wall clock, after a read of the
// stream failed for another reason than trimmed records or a missing
// table or stream (the SDK has retried it already).
const readRetryDelay = time.Second

// checkpointBucket holds each Tablestore trigger's checkpoint, by
// function NUL trigger name, in the stack's state store.
const checkpointBucket = "stack.tablestore-trigger"

// TablestoreTriggerStats is what one Tablestore trigger has done since
// the stack started.
type TablestoreTriggerStats struct {
	Function, Trigger, Table string
	// Invocations counts the invocations made, retries included;
	// Failures those that failed.
	Invocations, Failures int
	// Records counts the stream records delivered to a function that
	// succeeded, and committed.
	Records int
	// Trimmed counts the times the records at the trigger's checkpoint
	// had expired, or their stream had been disabled, before a function
	// succeeded with them; TrimmedRecords the records of the failing
	// batches lost so (records not read yet when that happened are not
	// known, and not counted).
	Trimmed, TrimmedRecords int
	// Waiting is "table" while the table does not exist and "stream"
	// while it has no stream; "" otherwise.
	Waiting string
	// RetryAt is when a failed batch is invoked again; zero when none
	// waits.
	RetryAt time.Time
}

// streamTrigger runs one Tablestore trigger: it reads its table's stream
// from its checkpoint in batches, invokes the function with each batch's
// CBOR payload, and commits the batch (saving the checkpoint) once the
// function succeeded with it, retrying it until then. One invocation is
// in flight at a time, so records arrive in commit order.
type streamTrigger struct {
	function, name, table string
	where                 string // "s.yaml:12", for messages
	inv                   *fcinvoker.Invoker
	client                streamevent.StreamClient
	reader                *streamevent.Reader
	state                 kv.Store
	signal                func() <-chan struct{} // the local Tablestore's StreamSignal
	clock                 func() time.Time
	fakeClock             bool          // clock is not the wall clock: retries wait for Tick
	wake                  chan struct{} // Tick
	log                   *slog.Logger

	mu    sync.Mutex
	stats TablestoreTriggerStats
}

// addTablestoreTrigger sets up the consumer of Tablestore trigger t of
// function f, from its saved checkpoint. A table that exists without a
// stream is an error naming it and the trigger's line, as the cloud
// refuses such a trigger; a table that does not exist yet (functions
// often create theirs when they start) is waited for.
func (s *Stack) addTablestoreTrigger(cfg Config, f string, t *syaml.Trigger, inv *fcinvoker.Invoker) error {
	where := fmt.Sprintf("%s:%d", projectFile(cfg.Project), t.Tablestore.Line)
	cred := s.Tablestore.Credentials()
	client := tablestore.NewClient(s.TablestoreEndpoint, s.TablestoreInstance, cred.AccessKeyID, cred.AccessKeySecret)
	table := t.Tablestore.Table
	d, err := client.DescribeTable(&tablestore.DescribeTableRequest{TableName: table})
	switch {
	case otsErrorCode(err) == "OTSObjectNotExist":
		s.log.Info("tablestore trigger: its table does not exist yet; the trigger starts once it exists with a stream",
			"function", f, "trigger", t.Name, "table", table, "at", where)
	case err != nil:
		return fmt.Errorf("function %s, trigger %s (%s): describe table %s: %w", f, t.Name, where, table, err)
	case d.StreamDetails == nil || !d.StreamDetails.EnableStream:
		return fmt.Errorf("function %s, trigger %s (%s): table %s has no stream, and a Tablestore trigger reads the table's stream "+
			"(the cloud refuses to create it): enable the stream with CreateTable or UpdateTable and a StreamSpecification", f, t.Name, where, table)
	}
	st := &streamTrigger{
		function: f, name: t.Name, table: table, where: where, inv: inv, client: client, state: s.state,
		signal: s.Tablestore.StreamSignal, clock: cfg.Clock, fakeClock: cfg.Clock != nil, wake: make(chan struct{}, 1),
		log:   s.log.With("function", f, "trigger", t.Name, "table", table),
		stats: TablestoreTriggerStats{Function: f, Trigger: t.Name, Table: table},
	}
	if st.clock == nil {
		st.clock = time.Now
	}
	cp, err := st.load()
	if err != nil {
		return fmt.Errorf("function %s, trigger %s (%s): %w", f, t.Name, where, err)
	}
	st.reader = streamevent.NewReader(client, table, cp)
	s.streamTriggers = append(s.streamTriggers, st)
	return nil
}

// TablestoreTriggers reports what each Tablestore trigger has done, in
// the order of s.yaml.
func (s *Stack) TablestoreTriggers() []TablestoreTriggerStats {
	out := make([]TablestoreTriggerStats, len(s.streamTriggers))
	for i, st := range s.streamTriggers {
		st.mu.Lock()
		out[i] = st.stats
		st.mu.Unlock()
	}
	return out
}

// run delivers the stream until ctx ends.
func (st *streamTrigger) run(ctx context.Context) {
	for ctx.Err() == nil {
		changed := st.signal() // before the read: a commit after it closes changed
		b, err := st.reader.Next()
		switch {
		case err == nil && b == nil:
			st.setWaiting("")
			waitFor(ctx, changed)
		case err == nil:
			st.setWaiting("")
			st.deliver(ctx, b)
		case errors.Is(err, streamevent.ErrTrimmed):
			st.trimmed(0, err)
		case errors.Is(err, streamevent.ErrNoStream):
			if st.setWaiting("stream") {
				st.log.Warn(fmt.Sprintf("%s: tablestore trigger: table %s has no stream; the trigger waits until one is enabled (the cloud refuses a trigger on such a table)",
					st.where, st.table))
			}
			waitFor(ctx, changed)
		case otsErrorCode(err) == "OTSObjectNotExist":
			if st.setWaiting("table") {
				st.log.Info(fmt.Sprintf("%s: tablestore trigger: table %s does not exist; the trigger waits for it", st.where, st.table))
			}
			waitFor(ctx, changed)
		default:
			st.log.Warn("tablestore trigger: reading the stream failed; trying again", "error", err, "in", readRetryDelay)
			pause(ctx, readRetryDelay)
		}
	}
}

// deliver invokes the function with b until it succeeds, then commits b.
// Between attempts it checks that b's records are still kept: once they
// have expired or their stream is disabled, they are counted as trimmed
// and reading goes on from the oldest record kept.
func (st *streamTrigger) deliver(ctx context.Context, b *streamevent.Batch) {
	for attempt := 1; ; attempt++ {
		if st.invoke(ctx, b, attempt) {
			st.reader.Commit()
			st.save()
			st.mu.Lock()
			st.stats.Records += b.Records
			st.mu.Unlock()
			return
		}
		if !st.sleep(ctx, retryDelay(attempt)) {
			return
		}
		probe := streamevent.NewReader(st.client, st.table, st.reader.Checkpoint())
		probe.BatchSize = 1
		if _, err := probe.Next(); errors.Is(err, streamevent.ErrTrimmed) {
			st.trimmed(b.Records, err)
			return
		}
	}
}

// invoke makes one invocation with b and reports whether it succeeded.
func (st *streamTrigger) invoke(ctx context.Context, b *streamevent.Batch, attempt int) bool {
	res, err := st.inv.Invoke(ctx, b.Payload, "")
	if ctx.Err() != nil {
		return false
	}
	st.mu.Lock()
	st.stats.Invocations++
	ok := err == nil && !res.Failed
	if !ok {
		st.stats.Failures++
	}
	st.mu.Unlock()
	switch {
	case err != nil:
		st.log.Warn("tablestore trigger: the function could not be invoked; the same records are retried",
			"error", err, "records", b.Records, "attempt", attempt, "retry_in", retryDelay(attempt))
	case res.Failed:
		st.log.Warn("tablestore trigger: the function failed; the same records are retried",
			"request_id", res.RequestID, "error_type", res.ErrorType, "answer", strings.TrimSpace(string(res.Body)),
			"records", b.Records, "attempt", attempt, "retry_in", retryDelay(attempt))
	}
	return ok
}

// retryDelay is the pause after the attempt-th failed invocation of a
// batch: retryFirstDelay, doubling, at most retryMaxDelay.
func retryDelay(attempt int) time.Duration {
	d := retryFirstDelay
	for i := 1; i < attempt && d < retryMaxDelay; i++ {
		d *= 2
	}
	return min(d, retryMaxDelay)
}

// trimmed logs and counts records that can no longer be read (n of them
// known, from a failing batch), and moves the checkpoint to the oldest
// record the table's stream keeps.
func (st *streamTrigger) trimmed(n int, err error) {
	st.mu.Lock()
	st.stats.Trimmed++
	st.stats.TrimmedRecords += n
	st.mu.Unlock()
	st.log.Error("tablestore trigger: records expired or their stream was disabled before the function succeeded with them; "+
		"going on from the oldest record kept", "records_lost", n, "error", err)
	st.reader.Reset()
	st.save()
}

// sleep waits d on the trigger's clock, or until ctx ends (false). On a
// fake clock it wakes at each Tick to look at the time.
func (st *streamTrigger) sleep(ctx context.Context, d time.Duration) bool {
	due := st.clock().Add(d)
	st.mu.Lock()
	st.stats.RetryAt = due
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		st.stats.RetryAt = time.Time{}
		st.mu.Unlock()
	}()
	var timer <-chan time.Time
	if !st.fakeClock {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	for st.clock().Before(due) {
		select {
		case <-ctx.Done():
			return false
		case <-timer:
			return true
		case <-st.wake:
		}
	}
	return ctx.Err() == nil
}

// tick wakes a retry waiting on a fake clock.
func (st *streamTrigger) tick() {
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// setWaiting records what the trigger waits for and reports whether that
// changed.
func (st *streamTrigger) setWaiting(what string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	changed := st.stats.Waiting != what
	st.stats.Waiting = what
	return changed
}

// checkpointKey is the trigger's key in checkpointBucket.
func (st *streamTrigger) checkpointKey() []byte { return []byte(st.function + "\x00" + st.name) }

// load reads the saved checkpoint; the zero one (the oldest record kept)
// when there is none.
func (st *streamTrigger) load() (streamevent.Checkpoint, error) {
	var cp streamevent.Checkpoint
	err := st.state.View(func(r kv.Reader) error {
		b := r.Get(checkpointBucket, st.checkpointKey())
		if b == nil {
			return nil
		}
		if err := json.Unmarshal(b, &cp); err != nil {
			return fmt.Errorf("saved checkpoint of the tablestore trigger: %w", err)
		}
		return nil
	})
	return cp, err
}

// save stores the reader's checkpoint. A failure is logged: the batches
// after the last saved checkpoint are delivered again after a restart.
func (st *streamTrigger) save() {
	b, err := json.Marshal(st.reader.Checkpoint())
	if err == nil {
		err = st.state.Update(func(w kv.Writer) error { return w.Put(checkpointBucket, st.checkpointKey(), b) })
	}
	if err != nil {
		st.log.Error("tablestore trigger: saving the checkpoint failed; its records are delivered again after a restart", "error", err)
	}
}

// pause waits d on the wall clock, or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// waitFor waits until ch is closed or ctx ends.
func waitFor(ctx context.Context, ch <-chan struct{}) {
	select {
	case <-ctx.Done():
	case <-ch:
	}
}

// otsErrorCode is the Tablestore error code of err, "" for another error.
func otsErrorCode(err error) string {
	var e *tablestore.OtsError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
