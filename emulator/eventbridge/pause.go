package eventbridge

import "context"

// Pause stops a trigger, as disabling an EventBridge event stream does:
// it takes no more messages from the broker (a long poll in progress
// ends) and makes no invocations, a retry that falls due included, until
// Resume. An invocation in flight finishes. New messages stay in the
// broker, so the group's backlog grows; events already taken over wait
// in the bridge. Pausing is not durable: after a restart every trigger
// runs. Pausing a paused trigger does nothing.
func (b *Bridge) Pause(trigger string) error {
	t, err := b.lookup(trigger)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.paused {
		b.log.Info("eventbridge: trigger paused", "trigger", trigger)
	}
	t.paused = true
	if t.stopPoll != nil {
		t.stopPoll()
	}
	return nil
}

// Resume runs a paused trigger again: it consumes and delivers what is
// due. Resuming a running trigger does nothing.
func (b *Bridge) Resume(trigger string) error {
	t, err := b.lookup(trigger)
	if err != nil {
		return err
	}
	t.mu.Lock()
	was := t.paused
	t.paused = false
	t.mu.Unlock()
	if was {
		b.log.Info("eventbridge: trigger resumed", "trigger", trigger)
	}
	signal(t.freed)
	signal(t.wake)
	return nil
}

// Paused reports whether a trigger is paused; false for an unknown one.
func (b *Bridge) Paused(trigger string) bool {
	t, err := b.lookup(trigger)
	if err != nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.paused
}

// pollContext is ctx for one poll of the broker, which Pause ends; done
// releases it.
func (t *trigger) pollContext(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	t.mu.Lock()
	t.stopPoll = cancel
	t.mu.Unlock()
	return ctx, func() {
		t.mu.Lock()
		t.stopPoll = nil
		t.mu.Unlock()
		cancel()
	}
}
