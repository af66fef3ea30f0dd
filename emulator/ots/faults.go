package ots

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Fault makes the server fail or slow down some requests, for tests of
// clients' retries and timeouts. A fault applies before the action runs, so
// a failed request stores nothing, unless After is set.
type Fault struct {
	// Action is the action it applies to ("PutRow"); empty applies to all.
	Action string
	// Rate is the share of matching requests that fail, from 0 to 1.
	Rate float64
	// Code is the Tablestore error answered (OTSServerBusy, OTSTimeout,
	// OTSInternalServerError, ...), with the service's status for it.
	// Empty answers Status with a body that is not a Tablestore error, as
	// a proxy in front of the service would.
	Code string
	// Status is the HTTP status when Code is empty (500 when 0).
	Status int
	// Latency is added to every matching request, failing or not.
	Latency time.Duration
	// After runs the action, then answers the error instead of its
	// result: the write applied but the client cannot know, as after a
	// timeout on the way back.
	After bool
}

type faultInjector struct {
	mu     sync.RWMutex
	faults []Fault
}

func newFaultInjector(f []Fault) *faultInjector { return &faultInjector{faults: f} }

func (fi *faultInjector) set(f []Fault) {
	fi.mu.Lock()
	fi.faults = append([]Fault(nil), f...)
	fi.mu.Unlock()
}

// inject sleeps for the matching faults' latency and returns the error of
// the first matching fault that fires, and whether it comes after the
// action ran.
func (fi *faultInjector) inject(ctx context.Context, action string) (*Error, bool) {
	fi.mu.RLock()
	faults := fi.faults
	fi.mu.RUnlock()
	var fail *Error
	after := false
	for _, f := range faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-ctx.Done():
			}
		}
		if fail == nil && f.Rate > 0 && rand.Float64() < f.Rate {
			fail, after = f.err(action), f.After
		}
	}
	return fail, after
}

func (f Fault) err(action string) *Error {
	if f.Code != "" {
		return errorf(f.Code, "Injected fault on %s.", action)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return &Error{Message: "injected fault: " + http.StatusText(status), status: status}
}
