package stack

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocketfn/rocketfn/internal/testwait"
)

// hotPayload is an event-driven CloudEvent for the hot function.
const hotPayload = `{"specversion":"1.0","id":"bench","source":"acs:rocketmq","type":"mq:Topic:SendMessage",` +
	`"datacontenttype":"application/json;charset=utf-8","data":{"topic":"hot","body":"ping","systemProperties":{},"userProperties":{}}}`

// BenchmarkHotReload measures edit-to-serving: from the write of an edit
// of the hot function's source in a copy of a project, under
// Config.Watch, to the first invocation answered by the edited code,
// with invocations made every 5 ms throughout (as messages keep flowing).
// Each edit changes the function's package, as an edit of a handler
// does, so that package is compiled and the binary linked anew while the
// rest comes from the build cache, warmed by one edit before the timing.
// It reports the median and the slowest edit-to-serving time, and the
// median of the rebuild alone (go build and the new instance's start).
// "fn" is the function as it is (runtime/fn, a 10 MB binary);
// "fn+tablestore" links runtime/store too, as functions/players
// does (14 MB). reload_bench.sh runs it.
func BenchmarkHotReload(b *testing.B) {
	b.Run("fn", func(b *testing.B) { benchHotReload(b, false) })
	b.Run("fn+tablestore", func(b *testing.B) { benchHotReload(b, true) })
}

func benchHotReload(b *testing.B, tablestore bool) {
	p := newHotProject(b)
	if tablestore {
		writeTestFile(b, filepath.Join(p.fnDir, "deps.go"), "package main\n\nimport _ \"github.com/rocketfn/rocketfn/runtime/store\"\n")
	}
	s := p.start(b, nil)
	inv := s.Invokers["hot"]
	version := 1
	edit := func() time.Duration {
		version++
		want := fmt.Sprintf("version-%d", version)
		start := time.Now()
		p.setVersion(b, want)
		// The reload is seen only in the function's answers: poll them.
		testwait.Until(b, time.Minute, "answer from "+want, func() bool {
			res, err := inv.Invoke(b.Context(), []byte(hotPayload), "")
			if err != nil || res.Failed {
				b.Fatalf("invocation during the reload to %s: %+v, %v", want, res, err)
			}
			return strings.Contains(string(res.Body), want)
		})
		return time.Since(start)
	}
	edit() // warm the build cache
	var serve, build []float64
	b.ResetTimer()
	for range b.N {
		serve = append(serve, float64(edit().Microseconds())/1000)
		build = append(build, s.Builds()[0].DurationMs)
	}
	b.StopTimer()
	if st := inv.Stats(); st.Failures != 0 {
		b.Errorf("invoker stats %+v: invocations failed", st)
	}
	b.ReportMetric(median(serve), "ms-edit-to-serving-median")
	b.ReportMetric(slices.Max(serve), "ms-edit-to-serving-max")
	b.ReportMetric(median(build), "ms-rebuild-median")
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
