package store

import (
	"context"
	"errors"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
)

// Codes after which a write is known not to have applied: retrying is
// always safe.
var retryNotApplied = map[string]bool{
	"OTSServerBusy":            true,
	"OTSPartitionUnavailable":  true,
	"OTSRowOperationConflict":  true,
	"OTSNotEnoughCapacityUnit": true,
	"OTSTableNotReady":         true,
	"OTSStorageServerBusy":     true,
}

// Codes after which a write may or may not have applied: retried only when
// the write cannot apply twice (it carries a marker, or sets values only).
var retryUnknown = map[string]bool{
	"OTSTimeout":             true,
	"OTSInternalServerError": true,
	"OTSServerUnavailable":   true,
}

// retryable reports whether a write that failed with err may be tried
// again.
func retryable(err error, safe bool) bool {
	var oe *tablestore.OtsError
	if errors.As(err, &oe) {
		return retryCode(oe.Code, oe.Message, safe)
	}
	var e *Error
	if errors.As(err, &e) {
		return retryCode(e.Code, e.Message, safe)
	}
	switch {
	case errors.Is(err, ErrNoCredentials), errors.Is(err, ErrConditionFailed), errors.Is(err, context.Canceled):
		return false
	}
	return safe // a network error or a timeout: unknown outcome
}

func retryCode(code, msg string, safe bool) bool {
	switch {
	case retryNotApplied[code]:
		return true
	case code == "OTSQuotaExhausted":
		return msg == "Too frequent table operations."
	}
	return safe && retryUnknown[code]
}

// Backoff between attempts: exponential from 20 ms, capped at 1 s, with
// full jitter.
const (
	backoffBase = 20 * time.Millisecond
	backoffMax  = time.Second
)

// wait sleeps before attempt n (1 for the first retry). It returns false
// when ctx ends first, or when ctx's deadline leaves no time for the
// attempt after the sleep.
func (db *DB) wait(ctx context.Context, n int) bool {
	d := backoffBase << min(n-1, 10)
	d = time.Duration(db.rand() * float64(min(d, backoffMax)))
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+50*time.Millisecond {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
