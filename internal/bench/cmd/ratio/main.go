// Command ratio reads go test -bench output (any -count) and prints the
// median of every measurement, then ratios of medians against targets:
//
//	go run ./internal/bench/cmd/ratio -in results.txt \
//		'Publish/producers32 msgs/s / Publish/producers1 msgs/s >= 10'
//
// A ratio names two benchmarks (without the -GOMAXPROCS suffix) with a unit
// each, then ">=" or "<=" and the target. It exits 1 when a target is
// missed, 2 on bad input.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	in := flag.String("in", "", "benchmark output `file` (default standard input)")
	flag.Parse()
	r := io.Reader(os.Stdin)
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ratio:", err)
			os.Exit(2)
		}
		defer f.Close()
		r = f
	}
	med := medians(parse(r))
	printMedians(os.Stdout, med)
	ok := true
	for _, spec := range flag.Args() {
		met, err := check(os.Stdout, med, spec)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ratio:", err)
			os.Exit(2)
		}
		ok = ok && met
	}
	if !ok {
		os.Exit(1)
	}
}

// key is one measurement: a benchmark and a unit.
type key struct{ bench, unit string }

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads "BenchmarkName-N  iterations  value unit  value unit ..."
// lines; other lines are ignored.
func parse(r io.Reader) map[key][]float64 {
	out := map[key][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		name := strings.TrimPrefix(procSuffix.ReplaceAllString(f[0], ""), "Benchmark")
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				k := key{name, f[i+1]}
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

func medians(runs map[key][]float64) map[key]float64 {
	out := map[key]float64{}
	for k, vs := range runs {
		slices.Sort(vs)
		n := len(vs)
		if n%2 == 1 {
			out[k] = vs[n/2]
		} else {
			out[k] = (vs[n/2-1] + vs[n/2]) / 2
		}
	}
	return out
}

func printMedians(w io.Writer, med map[key]float64) {
	keys := make([]key, 0, len(med))
	for k := range med {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return strings.Compare(a.bench+" "+a.unit, b.bench+" "+b.unit) })
	for _, k := range keys {
		fmt.Fprintf(w, "%-40s %14.2f %s\n", k.bench, med[k], k.unit)
	}
	fmt.Fprintln(w)
}

// check evaluates one ratio spec and prints it.
func check(w io.Writer, med map[key]float64, spec string) (bool, error) {
	f := strings.Fields(spec)
	if len(f) != 7 || f[2] != "/" || (f[5] != ">=" && f[5] != "<=") {
		return false, fmt.Errorf("ratio %q: want \"A unit / B unit >= target\"", spec)
	}
	target, err := strconv.ParseFloat(f[6], 64)
	if err != nil {
		return false, fmt.Errorf("ratio %q: target: %v", spec, err)
	}
	a, okA := med[key{f[0], f[1]}]
	b, okB := med[key{f[3], f[4]}]
	if !okA || !okB || b == 0 {
		fmt.Fprintf(w, "%s: missing measurements\n", strings.Join(f[:5], " "))
		return false, nil
	}
	r := a / b
	met := (f[5] == ">=" && r >= target) || (f[5] == "<=" && r <= target)
	verdict := "met"
	if !met {
		verdict = "MISSED"
	}
	fmt.Fprintf(w, "%s = %.2fx (target %s %g: %s)\n", strings.Join(f[:5], " "), r, f[5], target, verdict)
	return met, nil
}
