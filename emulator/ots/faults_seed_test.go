package ots

import (
	"context"
	"testing"
)

// failures is which of n requests to action the injector fails.
func failures(fi *faultInjector, action string, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		err, _ := fi.inject(context.Background(), action)
		out[i] = err != nil
	}
	return out
}

// TestFaultSeedRepeats: the same seed fails the same requests, faults that
// always or never fire draw nothing, and another seed fails others.
func TestFaultSeedRepeats(t *testing.T) {
	half := []Fault{{Action: "PutRow", Code: CodeServerBusy, Rate: 0.5}}
	a := failures(newFaultInjector(half, 42), "PutRow", 200)
	with := append([]Fault{
		{Action: "PutRow", Code: CodeTimeout, Rate: 0},
		{Action: "GetRow", Code: CodeTimeout, Rate: 1},
	}, half...)
	b := newFaultInjector(with, 42)
	for i := range a {
		if err, _ := b.inject(context.Background(), "GetRow"); err == nil {
			t.Fatal("a fault of rate 1 did not fire")
		}
		err, _ := b.inject(context.Background(), "PutRow")
		if got := err != nil; got != a[i] {
			t.Fatalf("request %d: failed %v with seed 42, then %v", i, a[i], got)
		}
	}
	n := 0
	for _, f := range a {
		if f {
			n++
		}
	}
	if n < 60 || n > 140 {
		t.Errorf("rate 0.5 failed %d of 200 requests", n)
	}
	other := failures(newFaultInjector(half, 43), "PutRow", 200)
	same := true
	for i := range a {
		same = same && a[i] == other[i]
	}
	if same {
		t.Error("seeds 42 and 43 failed the same 200 requests")
	}
}
