package ebtrigger

import "time"

// strategy is a PushRetryStrategy: how many times a failed push is
// retried and how long to wait before each retry.
type strategy struct {
	retries int
	// delay is the wait before retry n (1 for the first); r in [0, 1]
	// picks it where the strategy is random.
	delay func(n int, r float64) time.Duration
}

// strategies holds the retry strategies EventBridge documents.
var strategies = map[string]strategy{
	RetryBackoff:     {retries: 3, delay: backoffDelay},
	RetryExponential: {retries: 176, delay: exponentialDelay},
}

// Bounds of the BACKOFF_RETRY interval and of the EXPONENTIAL_DECAY_RETRY
// doubling.
const (
	BackoffMin     = 10 * time.Second
	BackoffMax     = 20 * time.Second
	ExponentialMax = 512 * time.Second
)

// backoffDelay is BackoffMin plus r of the span to BackoffMax, at
// millisecond resolution.
func backoffDelay(_ int, r float64) time.Duration {
	r = max(0, min(r, 1))
	span := float64((BackoffMax - BackoffMin) / time.Millisecond)
	return BackoffMin + time.Duration(r*span)*time.Millisecond
}

// exponentialDelay is 1, 2, 4 ... 256 s for the first nine retries and
// 512 s for the 167 after them: 86,015 s (23.9 hours) in all.
func exponentialDelay(n int, _ float64) time.Duration {
	if n > 10 {
		return ExponentialMax
	}
	return min(time.Second<<(n-1), ExponentialMax)
}

// Retries returns how many times a failed push is retried: 3 under
// RetryBackoff (also the default for an unknown policy), 176 under
// RetryExponential, or MaxRetryAttempts when that is above 0 and lower.
func (t *Trigger) Retries() int {
	s, ok := strategies[t.RetryPolicy]
	if !ok {
		s = strategies[RetryBackoff]
	}
	if t.MaxRetryAttempts > 0 {
		return min(s.retries, t.MaxRetryAttempts)
	}
	return s.retries
}

// RetryDelay returns the wait before retry n (1 is the first retry), and
// false when the trigger allows no retry n. Under RetryBackoff r in
// [0, 1] picks the interval between 10 and 20 s (values outside are
// clamped); RetryExponential ignores r.
func (t *Trigger) RetryDelay(n int, r float64) (time.Duration, bool) {
	if n < 1 || n > t.Retries() {
		return 0, false
	}
	s, ok := strategies[t.RetryPolicy]
	if !ok {
		s = strategies[RetryBackoff]
	}
	return s.delay(n, r), true
}

// Expired reports whether an event taken over at since is too old, at
// now, for another retry under MaxEventAge; never when MaxEventAge is 0.
func (t *Trigger) Expired(since, now time.Time) bool {
	return t.MaxEventAge > 0 && now.Sub(since) > t.MaxEventAge
}
