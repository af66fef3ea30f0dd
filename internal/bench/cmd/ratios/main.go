// Command ratios reads the output of the internal/bench benchmarks (go test
// -bench, any -count) and prints the median of every measurement, the
// ratios of rocketfn to each other path, and whether the project's targets
// are met.
//
//	go run ./internal/bench/cmd/ratios results.txt
//
// With no file it reads standard input. It exits 1 when a target is missed.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

func main() {
	var in io.Reader = os.Stdin
	if len(os.Args) > 1 {
		var rs []io.Reader
		for _, name := range os.Args[1:] {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			defer f.Close()
			rs = append(rs, f)
		}
		in = io.MultiReader(rs...)
	}
	res, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !report(os.Stdout, res) {
		os.Exit(1)
	}
}

// results maps a benchmark name, without the GOMAXPROCS suffix, and a unit
// to the values measured in each run.
type results map[string]map[string][]float64

// parse reads benchmark result lines: name, iterations, then value-unit
// pairs. Other lines are ignored.
func parse(r io.Reader) (results, error) {
	res := make(results)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if res[name] == nil {
			res[name] = make(map[string][]float64)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: bad value %q", f[0], f[i])
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return res, sc.Err()
}

// median returns the median of the values of name in unit, and how many
// there are.
func (r results) median(name, unit string) (float64, int) {
	vs := slices.Clone(r[name][unit])
	if len(vs) == 0 {
		return 0, 0
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], n
	}
	return (vs[n/2-1] + vs[n/2]) / 2, n
}

// spread returns the largest deviation of a value of name in unit from
// their median, as a fraction of the median.
func (r results) spread(name, unit string) float64 {
	m, n := r.median(name, unit)
	if n == 0 || m == 0 {
		return 0
	}
	var d float64
	for _, v := range r[name][unit] {
		d = max(d, math.Abs(v-m)/m)
	}
	return d
}

// noisy is the spread above which report warns that a median may be off.
const noisy = 0.10

var (
	cases = []struct {
		name   string
		events float64
	}{{"single", 1}, {"batch100", 100}}
	paths = []string{"rocketfn", "cloudevents", "lambda", "std", "goccy"}
)

// A target bounds the ratio of rocketfn's median to another median.
type target struct {
	what  string
	ratio float64
	max   float64
	ok    bool
}

// report prints the tables and the targets and reports whether every
// target measured is met.
func report(w io.Writer, r results) bool {
	var targets []target
	check := func(what string, ratio, max float64) {
		if ratio > 0 {
			targets = append(targets, target{what, ratio, max, ratio <= max})
		}
	}

	var noisyRows []string
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "decode+dispatch\tpath\truns\tns/op\t±\tns/event\tB/op\tallocs/op\tallocs/event\trocketfn/path time\trocketfn/path allocs\t")
	for _, c := range cases {
		bench := "BenchmarkDecodeDispatch/" + c.name + "/"
		rt, _ := r.median(bench+"rocketfn", "ns/op")
		ra, _ := r.median(bench+"rocketfn", "allocs/op")
		for _, p := range paths {
			t, n := r.median(bench+p, "ns/op")
			if n == 0 {
				continue
			}
			by, _ := r.median(bench+p, "B/op")
			a, _ := r.median(bench+p, "allocs/op")
			sp := r.spread(bench+p, "ns/op")
			if sp > noisy {
				noisyRows = append(noisyRows, c.name+"/"+p)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.0f%%\t%.0f\t%.0f\t%.0f\t%.2f\t%s\t%s\t\n",
				c.name, p, n, t, 100*sp, t/c.events, by, a, a/c.events, ratio(rt, t), ratio(ra, a))
		}
		if rt == 0 {
			continue
		}
		for _, p := range []string{"cloudevents", "lambda"} {
			t, _ := r.median(bench+p, "ns/op")
			check(c.name+": time rocketfn/"+p+" (≥4x faster)", div(rt, t), 0.25)
		}
		gt, _ := r.median(bench+"goccy", "ns/op")
		check(c.name+": time rocketfn/goccy (within 1.25x)", div(rt, gt), 1.25)
		ga, _ := r.median(bench+"goccy", "allocs/op")
		check(c.name+": allocs rocketfn/goccy (no more per event)", div(ra, ga), 1)
	}
	tw.Flush()

	noisyRows = append(noisyRows, split(w, r)...)

	rs, n := r.median("BenchmarkColdStart/rocketfn", "ms/start")
	ns, _ := r.median("BenchmarkColdStart/nethttp", "ms/start")
	if n > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "cold start\truns\tms/start\t±\tMiB\trocketfn/program\t")
		for _, p := range []string{"rocketfn", "nethttp"} {
			ms, n := r.median("BenchmarkColdStart/"+p, "ms/start")
			mib, _ := r.median("BenchmarkColdStart/"+p, "MiB")
			sp := r.spread("BenchmarkColdStart/"+p, "ms/start")
			if sp > noisy {
				noisyRows = append(noisyRows, "coldstart/"+p)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f%%\t%.2f\t%s\t\n", p, n, ms, 100*sp, mib, ratio(rs, ms))
		}
		tw.Flush()
		if paired, n := r.median("BenchmarkColdStart/rocketfn", "vs-nethttp"); n > 0 {
			fmt.Fprintf(w, "paired rocketfn/nethttp (median of the per-run ratios): %.2f\n", paired)
		}
		check("cold start: rocketfn/nethttp (within 1.3x)", div(rs, ns), 1.3)
	}

	fmt.Fprintln(w)
	ok := true
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tratio\tlimit\tresult")
	for _, t := range targets {
		verdict := "met"
		if !t.ok {
			ok = false
			verdict = fmt.Sprintf("MISSED: %.2fx over the limit", t.ratio/t.max)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t≤ %.2f\t%s\n", t.what, t.ratio, t.max, verdict)
	}
	tw.Flush()
	if len(noisyRows) > 0 {
		fmt.Fprintf(w, "\nnoisy: a run of %s is more than %.0f%% off its median (± column); rerun, with INTERLEAVE=1, before trusting ratios near a limit\n",
			strings.Join(noisyRows, ", "), 100*noisy)
	}
	return ok
}

// split prints where the rocketfn path's time goes, from
// BenchmarkRocketfnSplit: the payload decode, the typed handler (body
// decode into the handler's type and the call), and the rest of Invoke
// (routing, the per-message context, the outcome). It returns the noisy
// rows.
func split(w io.Writer, r results) []string {
	var noisyRows []string
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := false
	for _, c := range cases {
		total, _ := r.median("BenchmarkDecodeDispatch/"+c.name+"/rocketfn", "ns/op")
		dec, n := r.median("BenchmarkRocketfnSplit/"+c.name+"/decode", "ns/op")
		typed, m := r.median("BenchmarkRocketfnSplit/"+c.name+"/typed", "ns/op")
		if total == 0 || n == 0 || m == 0 {
			continue
		}
		if !header {
			fmt.Fprintln(w)
			fmt.Fprintln(tw, "rocketfn per event\tInvoke ns\tpayload decode ns\t±\ttyped handler ns\t±\trest ns\t")
			header = true
		}
		ds := r.spread("BenchmarkRocketfnSplit/"+c.name+"/decode", "ns/op")
		ts := r.spread("BenchmarkRocketfnSplit/"+c.name+"/typed", "ns/op")
		if ds > noisy {
			noisyRows = append(noisyRows, "split/"+c.name+"/decode")
		}
		if ts > noisy {
			noisyRows = append(noisyRows, "split/"+c.name+"/typed")
		}
		e := c.events
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f%%\t%.0f\t%.0f%%\t%.0f\t\n", c.name, total/e, dec/e, 100*ds, typed/e, 100*ts, (total-dec-typed)/e)
	}
	tw.Flush()
	return noisyRows
}

func div(a, b float64) float64 {
	if a == 0 || b == 0 {
		return 0
	}
	return a / b
}

func ratio(a, b float64) string {
	if r := div(a, b); r > 0 {
		return strconv.FormatFloat(r, 'f', 2, 64)
	}
	return "-"
}
