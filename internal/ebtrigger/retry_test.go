package ebtrigger

import (
	"strings"
	"testing"
	"time"
)

func TestRetrySchedule(t *testing.T) {
	backoff := &Trigger{RetryPolicy: RetryBackoff}
	exp := &Trigger{RetryPolicy: RetryExponential}
	if backoff.Retries() != 3 || exp.Retries() != 176 {
		t.Fatalf("Retries = %d, %d", backoff.Retries(), exp.Retries())
	}
	tests := []struct {
		t    *Trigger
		n    int
		r    float64
		want time.Duration
		ok   bool
	}{
		{backoff, 1, 0, 10 * time.Second, true},
		{backoff, 3, 0.5, 15 * time.Second, true},
		{backoff, 2, 7, 20 * time.Second, true},
		{backoff, 2, 1, 20 * time.Second, true},
		{backoff, 4, 0, 0, false},
		{backoff, 0, 0, 0, false},
		{exp, 1, 0, time.Second, true},
		{exp, 9, 0, 256 * time.Second, true},
		{exp, 10, 0, 512 * time.Second, true},
		{exp, 176, 0, 512 * time.Second, true},
		{exp, 177, 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := tt.t.RetryDelay(tt.n, tt.r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s RetryDelay(%d, %v) = %v %v, want %v %v", tt.t.RetryPolicy, tt.n, tt.r, got, ok, tt.want, tt.ok)
		}
	}
	var total time.Duration
	for n := 1; n <= exp.Retries(); n++ {
		d, _ := exp.RetryDelay(n, 0)
		total += d
	}
	if total != 86015*time.Second {
		t.Errorf("exponential schedule spans %v, want 86015 s (about one day)", total)
	}
}

func TestMaxRetryAttempts(t *testing.T) {
	tests := []struct {
		policy string
		max    int
		want   int
	}{
		{RetryBackoff, 0, 3},
		{RetryBackoff, 1, 1},
		{RetryBackoff, 10, 3},
		{RetryExponential, 5, 5},
		{RetryExponential, 0, 176},
	}
	for _, tt := range tests {
		tr := &Trigger{RetryPolicy: tt.policy, MaxRetryAttempts: tt.max}
		if got := tr.Retries(); got != tt.want {
			t.Errorf("%s with MaximumRetryAttempts %d: %d retries, want %d", tt.policy, tt.max, got, tt.want)
		}
		if _, ok := tr.RetryDelay(tt.want+1, 0); ok {
			t.Errorf("%s with MaximumRetryAttempts %d: retry %d allowed", tt.policy, tt.max, tt.want+1)
		}
	}
}

func TestExpired(t *testing.T) {
	at := time.Unix(1000, 0)
	if (&Trigger{}).Expired(at, at.Add(1000*time.Hour)) {
		t.Error("an event expired without MaximumEventAgeInSeconds")
	}
	tr := &Trigger{MaxEventAge: time.Minute}
	if tr.Expired(at, at.Add(time.Minute)) || !tr.Expired(at, at.Add(time.Minute+time.Millisecond)) {
		t.Error("MaximumEventAgeInSeconds 60 does not end retries after 60 s")
	}
}

func TestDefaultsAndValidate(t *testing.T) {
	tr := Trigger{Name: "t", Timestamp: time.UnixMilli(1636597951984), DeadLetterQueue: "acs:mns:q"}
	tr.SetDefaults()
	if tr.Offset != OffsetTimestamp || tr.Mode != ModeEventStreaming || tr.Schema != SchemaCloudEvents ||
		tr.RetryPolicy != RetryBackoff || tr.ErrorsTolerance != ToleranceNone || tr.BatchCount != 1 ||
		string(tr.Pattern) != DefaultPattern || !tr.DeadLetter {
		t.Errorf("defaults: %+v", tr)
	}
	if err := tr.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	bad := []struct {
		tr   Trigger
		want string
	}{
		{Trigger{Offset: OffsetTimestamp}, "offset CONSUME_FROM_TIMESTAMP needs a Timestamp"},
		{Trigger{Offset: "NOW"}, `offset "NOW" is not`},
		{Trigger{MaxRetryAttempts: -1}, "MaximumRetryAttempts -1 is negative"},
		{Trigger{MaxEventAge: -time.Second}, "MaximumEventAgeInSeconds -1s is negative"},
		{Trigger{Tag: "A||"}, "trigger t: "},
	}
	for _, b := range bad {
		b.tr.Name = "t"
		b.tr.SetDefaults()
		if err := b.tr.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Validate(%+v) = %v, want %q", b.tr, err, b.want)
		}
	}
}
