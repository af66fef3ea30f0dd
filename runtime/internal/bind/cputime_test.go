package bind

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time the process has used, its threads'
// (the garbage collector's among them) user and system time together.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU time per iteration since start as
// cpu-ns/op. Unlike ns/op it leaves out the time the benchmark spent
// waiting for a CPU, so it stays comparable on a machine that other jobs
// keep busy.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}
