package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkPublish/producers1-2    100  500 ns/op  2000 msgs/s
BenchmarkPublish/producers1-2    100  500 ns/op  1000 msgs/s
BenchmarkPublish/producers1-2    100  500 ns/op  3000 msgs/s
BenchmarkPublish/producers32-2   100  50 ns/op  20000 msgs/s
BenchmarkPublish/producers32-2   100  50 ns/op  30000 msgs/s
PASS
`

func TestRatio(t *testing.T) {
	med := medians(parse(strings.NewReader(sample)))
	if got := med[key{"Publish/producers1", "msgs/s"}]; got != 2000 {
		t.Fatalf("median of three = %v, want 2000", got)
	}
	if got := med[key{"Publish/producers32", "msgs/s"}]; got != 25000 {
		t.Fatalf("median of two = %v, want 25000", got)
	}
	var out bytes.Buffer
	met, err := check(&out, med, "Publish/producers32 msgs/s / Publish/producers1 msgs/s >= 10")
	if err != nil || !met || !strings.Contains(out.String(), "12.50x") {
		t.Fatalf("check = %v, %v: %s", met, err, out.String())
	}
	met, _ = check(&out, med, "Publish/producers32 msgs/s / Publish/producers1 msgs/s >= 20")
	if met {
		t.Fatal("a missed target reported met")
	}
	if _, err := check(&out, med, "nonsense"); err == nil {
		t.Fatal("a bad spec was accepted")
	}
	if met, _ := check(&out, med, "Nope x / Publish/producers1 msgs/s <= 1"); met {
		t.Fatal("a missing measurement reported met")
	}
}
