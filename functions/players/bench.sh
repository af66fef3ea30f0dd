#!/usr/bin/env bash
# bench.sh runs BenchmarkBatch100 (bench_test.go): a 100-message batch
# through the players handler into a durable local Tablestore, rocketfn's
# coalesced writes against naive one-PutRow-per-message code. It runs the
# benchmark six times, summarizes the runs with benchstat, then prints the
# median of each metric and the ratio the issue sets a target for:
#
#   Batch100/rocketfn / Batch100/naive, rows/s     target: at least 10
#
# Usage: bash functions/players/bench.sh [go test flags, e.g. -benchtime=2s]
# Set BENCH_OUT to a file name to keep the raw output for later comparison.
set -euo pipefail

# benchstat, pinned: golang.org/x/perf has no tagged releases.
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

cd "$(dirname "$0")/../.."

out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/players-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi

go test -run '^$' -count=6 -timeout=30m -bench '^BenchmarkBatch100$' "$@" ./functions/players/ | tee "$out"

echo
go run "$BENCHSTAT" "$out"

# Every "value unit" pair of every run as "benchmark unit value" (the
# -GOMAXPROCS suffix dropped), sorted, then the median per benchmark and
# unit, then the ratio.
echo
awk '/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2)
		print name, $(i + 1), $i
}' "$out" | sort -k1,1 -k2,2 -k3,3g | awk '
function flush() {
	if (n == 0)
		return
	med[key] = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	printf "%-28s %14.2f %-12s (median of %d)\n", name, med[key], unit, n
	n = 0
}
$1 " " $2 != key { flush(); key = $1 " " $2; name = $1; unit = $2 }
{ v[++n] = $3 }
END {
	flush()
	a = "BenchmarkBatch100/rocketfn rows/s"
	b = "BenchmarkBatch100/naive rows/s"
	print ""
	if (!(a in med) || !(b in med) || med[b] == 0) {
		print "Batch100/rocketfn / Batch100/naive, rows/s: missing"
		exit 1
	}
	r = med[a] / med[b]
	ok = (r >= 10) ? "met" : "MISSED"
	printf "Batch100/rocketfn / Batch100/naive, rows/s: %.2fx (target at least 10x: %s)\n", r, ok
}'
