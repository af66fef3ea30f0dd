package ots

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// FaultSeedEnv names the environment variable that sets the fault seed
// of servers whose Config.FaultSeed is 0, to rerun a test with the seed
// it reported.
const FaultSeedEnv = "ROCKETFN_OTS_FAULT_SEED"

// Fault makes the server fail or slow down some requests, for tests of
// clients' retries and timeouts. A fault applies before the action runs, so
// a failed request stores nothing, unless After is set.
type Fault struct {
	// Action is the action it applies to ("PutRow"); empty applies to all.
	Action string
	// Rate is the share of matching requests that fail, from 0 to 1;
	// which ones is drawn from the server's fault seed
	// (Config.FaultSeed).
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

	seed  uint64
	rngMu sync.Mutex
	rng   *rand.Rand // which requests fail; guarded by rngMu
}

func newFaultInjector(f []Fault, seed uint64) *faultInjector {
	return &faultInjector{faults: f, seed: seed, rng: rand.New(rand.NewPCG(seed, 0))}
}

// faultSeed is seed, or else the one FaultSeedEnv gives, or else a random
// one.
func faultSeed(seed uint64) (uint64, error) {
	if seed != 0 {
		return seed, nil
	}
	if v := os.Getenv(FaultSeedEnv); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil || s == 0 {
			return 0, fmt.Errorf("tablestore: %s=%q is not a seed (a whole number from 1)", FaultSeedEnv, v)
		}
		return s, nil
	}
	for seed == 0 {
		seed = rand.Uint64()
	}
	return seed, nil
}

// fires reports whether a fault of the given rate fails this request.
// Only rates strictly between 0 and 1 draw from the seeded source, so that
// the faults that always or never fire leave the others' draws as they are.
func (fi *faultInjector) fires(rate float64) bool {
	switch {
	case rate <= 0:
		return false
	case rate >= 1:
		return true
	}
	fi.rngMu.Lock()
	defer fi.rngMu.Unlock()
	return fi.rng.Float64() < rate
}

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
		if fail == nil && fi.fires(f.Rate) {
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
