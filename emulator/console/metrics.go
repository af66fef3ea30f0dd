package console

import (
	"math"
	"net/http"
	"slices"
	"time"
)

// The window of the throughput and latency charts: the last ten minutes
// in buckets of ten seconds, by invocation start. A bucket keeps at most
// maxSamples durations for its percentiles.
const (
	metricsWindow = 10 * time.Minute
	metricsBucket = 10 * time.Second
	maxSamples    = 4096
)

// metrics holds each function's recent invocations by bucket. The
// Console's mu guards it.
type metrics struct {
	fns map[string]map[int64]*bucket // function → bucket index → bucket
}

// bucket is the invocations that started in one metricsBucket.
type bucket struct {
	invocations, messages, failed int
	durations                     []float64 // ms
}

func newMetrics() *metrics { return &metrics{fns: map[string]map[int64]*bucket{}} }

// bucketOf is the index of the bucket holding t.
func bucketOf(t time.Time) int64 { return t.UnixMilli() / metricsBucket.Milliseconds() }

// add counts an invocation and forgets buckets older than the window
// ending at now.
func (m *metrics) add(inv invocation, now time.Time) {
	bs := m.fns[inv.Function]
	if bs == nil {
		bs = map[int64]*bucket{}
		m.fns[inv.Function] = bs
	}
	i := bucketOf(inv.Start)
	b := bs[i]
	if b == nil {
		b = &bucket{}
		bs[i] = b
	}
	b.invocations++
	b.messages += len(inv.MessageIDs)
	if inv.Failed {
		b.failed++
	}
	if len(b.durations) < maxSamples {
		b.durations = append(b.durations, inv.DurationMs)
	}
	oldest := bucketOf(now.Add(-metricsWindow))
	for _, bs := range m.fns {
		for k := range bs {
			if k <= oldest {
				delete(bs, k)
			}
		}
	}
}

// functionMetrics is a function's throughput and latency over the
// window, as /api/metrics answers them.
type functionMetrics struct {
	Function      string  `json:"function"`
	WindowSeconds int     `json:"windowSeconds"`
	BucketSeconds int     `json:"bucketSeconds"`
	Invocations   int     `json:"invocations"`
	Messages      int     `json:"messages"`
	Failed        int     `json:"failed"`
	P50Ms         float64 `json:"p50Ms"`
	P99Ms         float64 `json:"p99Ms"`
	// Buckets cover the window, oldest first, empty ones included.
	Buckets []bucketView `json:"buckets"`
}

// bucketView is one bucket of a function's metrics.
type bucketView struct {
	Start       time.Time `json:"start"`
	Invocations int       `json:"invocations"`
	Messages    int       `json:"messages"`
	Failed      int       `json:"failed"`
	P50Ms       float64   `json:"p50Ms"`
	P99Ms       float64   `json:"p99Ms"`
}

// functionMetrics answers the metrics of every function of the triggers
// and of those that were invoked in the window, sorted by name.
func (c *Console) functionMetrics(w http.ResponseWriter, r *http.Request) {
	reply(w, c.metricsView())
}

func (c *Console) metricsView() []functionMetrics {
	var names []string
	for _, name := range c.svc.Bridge.Triggers() {
		if t, ok := c.svc.Bridge.Trigger(name); ok {
			names = append(names, t.Function)
		}
	}
	now := c.svc.Clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for fn := range c.metrics.fns {
		names = append(names, fn)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	out := []functionMetrics{}
	last := bucketOf(now)
	n := int(metricsWindow / metricsBucket)
	for _, fn := range names {
		fm := functionMetrics{Function: fn, WindowSeconds: int(metricsWindow.Seconds()), BucketSeconds: int(metricsBucket.Seconds()),
			Buckets: make([]bucketView, 0, n)}
		var all []float64
		for i := last - int64(n) + 1; i <= last; i++ {
			bv := bucketView{Start: time.UnixMilli(i * metricsBucket.Milliseconds()).UTC()}
			if b := c.metrics.fns[fn][i]; b != nil {
				bv.Invocations, bv.Messages, bv.Failed = b.invocations, b.messages, b.failed
				bv.P50Ms, bv.P99Ms = percentile(b.durations, 0.50), percentile(b.durations, 0.99)
				fm.Invocations += b.invocations
				fm.Messages += b.messages
				fm.Failed += b.failed
				all = append(all, b.durations...)
			}
			fm.Buckets = append(fm.Buckets, bv)
		}
		fm.P50Ms, fm.P99Ms = percentile(all, 0.50), percentile(all, 0.99)
		out = append(out, fm)
	}
	return out
}

// percentile is the nearest-rank percentile p (0..1) of samples; 0 when
// there are none.
func percentile(samples []float64, p float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
