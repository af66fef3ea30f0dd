package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkDecodeDispatch/single/rocketfn-2   	  364948	      2000 ns/op	 315.91 MB/s	    2536 B/op	      16 allocs/op
BenchmarkDecodeDispatch/single/rocketfn-2   	  364948	      3000 ns/op	 315.91 MB/s	    2536 B/op	      16 allocs/op
BenchmarkDecodeDispatch/single/rocketfn-2   	  364948	      2500 ns/op	 315.91 MB/s	    2536 B/op	      16 allocs/op
BenchmarkDecodeDispatch/single/goccy-2      	  701510	      2000 ns/op	 526.62 MB/s	    1304 B/op	      28 allocs/op
BenchmarkDecodeDispatch/single/lambda-2     	  110439	     10000 ns/op	  82.91 MB/s	    4896 B/op	      55 allocs/op
BenchmarkDecodeDispatch/single/cloudevents-2	  133149	      9000 ns/op	  99.79 MB/s	    3664 B/op	      85 allocs/op
BenchmarkColdStart/rocketfn-2               	     277	   4000000 ns/op	         9.521 MiB	         4.0 ms/start	         1.1 vs-nethttp
BenchmarkColdStart/nethttp-2                	     338	   3500000 ns/op	         7.971 MiB	         3.5 ms/start
PASS
`

func TestParseMedian(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if m, n := r.median("BenchmarkDecodeDispatch/single/rocketfn", "ns/op"); m != 2500 || n != 3 {
		t.Errorf("median = %v of %d, want 2500 of 3", m, n)
	}
	if m, _ := r.median("BenchmarkColdStart/rocketfn", "ms/start"); m != 4 {
		t.Errorf("cold start median = %v, want 4", m)
	}
	if _, n := r.median("BenchmarkDecodeDispatch/single/std", "ns/op"); n != 0 {
		t.Errorf("std has %d values, want none", n)
	}
}

func TestReport(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	ok := report(&out, r)
	if ok {
		t.Errorf("targets reported met:\n%s", out.String())
	}
	for _, want := range []string{
		"single: time rocketfn/goccy (within 1.25x) 1.250 ≤ 1.25 met",
		"single: time rocketfn/lambda (≥4x faster) 0.250 ≤ 0.25 met",
		"single: time rocketfn/cloudevents (≥4x faster) 0.278 ≤ 0.25 MISSED: 1.11x over the limit",
		"cold start: rocketfn/nethttp (within 1.3x) 1.143 ≤ 1.30 met",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
