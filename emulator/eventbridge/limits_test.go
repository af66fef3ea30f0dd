package eventbridge

import (
	"slices"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/ebtrigger"
)

// TestMaxRetryAttempts: MaximumRetryAttempts lowers the policy's retries;
// the batch is then dead-lettered after them.
func TestMaxRetryAttempts(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, RetryPolicy: RetryExponential, MaxRetryAttempts: 2,
		ErrorsTolerance: ToleranceAll, DeadLetter: true})
	h.rec.setDecide(failAll)
	h.publishBodies("x")
	h.settle(100)
	if n := len(h.rec.got()); n != 3 {
		t.Fatalf("%d invocations, want 1 + 2 retries", n)
	}
	if g := gaps(h.rec.got()); !slices.Equal(g, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("retries after %v, want the exponential schedule's 1 s, 2 s", g)
	}
	dead, err := h.bridge.DeadLetters("trig")
	if err != nil || len(dead) != 1 || dead[0].Attempts != 3 {
		t.Errorf("dead letters %+v, %v; want one after 3 attempts", dead, err)
	}
}

// TestMaxEventAge: MaximumEventAgeInSeconds ends the retries of a batch
// whose next retry would come after that age.
func TestMaxEventAge(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, RetryPolicy: RetryExponential, MaxEventAge: 10 * time.Second,
		ErrorsTolerance: ToleranceAll})
	h.rec.setDecide(failAll)
	h.publishBodies("x")
	h.settle(100)
	// Retries come 1, 3 and 7 s after the first attempt; the fourth
	// would come at 15 s, past the 10 s age.
	if n := len(h.rec.got()); n != 4 {
		t.Fatalf("%d invocations, want 1 + 3 retries within 10 s", n)
	}
	if s := h.bridge.Stats("trig"); s.Skipped != 1 || s.Retried != 3 {
		t.Errorf("stats %+v, want 3 retries and the event skipped", s)
	}
}

// TestRegionFromTrigger: the events carry the trigger's RegionID.
func TestRegionFromTrigger(t *testing.T) {
	h := newHarness(t, nil, "")
	h.add(Trigger{Mode: ModeEventDriven, RegionID: "cn-shanghai"})
	h.publish(messageOn("T", "x"))
	h.settle(10)
	calls := h.rec.got()
	if len(calls) != 1 {
		t.Fatalf("%d invocations, want 1", len(calls))
	}
	if m := calls[0].decoded.Messages[0]; m.Region() != "cn-shanghai" {
		t.Errorf("event region %q, want cn-shanghai", m.Region())
	}
}

// TestNoLocalEffect lists the settings the bridge keeps without effect,
// and only those that are set.
func TestNoLocalEffect(t *testing.T) {
	if got := NoLocalEffect(Trigger{Name: "t", Topic: "T", FilterType: ebtrigger.FilterTag, Concurrency: 1, MaxTasks: 1,
		Offset: OffsetFirst, MaxRetryAttempts: 1}); len(got) != 0 {
		t.Errorf("honoured settings listed: %+v", got)
	}
	tr := Trigger{InstanceType: "Cloud_5", FilterType: "SQL", InstanceNetwork: "PrivateNetwork",
		InstanceEndpoint: "e", InstanceVpcID: "v", InstanceVSwitchIDs: "s", InstanceSecurityGroupID: "g",
		AuthType: "ACL", InstanceUsername: "u", InstancePassword: "p", FilterSQL: "a>1", Concurrency: 2, MaxTasks: 3}
	var fields []ebtrigger.Field
	for _, ig := range NoLocalEffect(tr) {
		if ig.Why == "" {
			t.Errorf("%s: no reason", ig.Field)
		}
		fields = append(fields, ig.Field)
	}
	want := []ebtrigger.Field{ebtrigger.FieldInstanceType, ebtrigger.FieldFilterType, ebtrigger.FieldInstanceNetwork,
		ebtrigger.FieldInstanceEndpoint, ebtrigger.FieldInstanceVpcID, ebtrigger.FieldInstanceVSwitchIDs,
		ebtrigger.FieldInstanceSecurityGroupID, ebtrigger.FieldAuthType, ebtrigger.FieldInstanceUsername,
		ebtrigger.FieldInstancePassword, ebtrigger.FieldFilterSQL, ebtrigger.FieldConcurrency, ebtrigger.FieldMaxTasks}
	if !slices.Equal(fields, want) {
		t.Errorf("NoLocalEffect = %v\nwant %v", fields, want)
	}
}
