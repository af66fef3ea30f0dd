#!/usr/bin/env bash
# bench.sh runs the README's side-by-side benchmarks of package tablestore
# (bench_test.go): a durable server driven by the official SDK over
# loopback, and bbolt used directly for the same rows. It runs each
# benchmark six times, summarizes the runs with benchstat, then prints the
# median rows/s of each benchmark and the two ratios the README quotes:
#
#   RawBolt/put200 / BatchWriteRow/200          target: at most 3
#   RawBolt/put200 / BatchWriteRow/200/server   the same, the SDK's own work left out
#   PutRow/concurrent32 / PutRow/sequential     target: at least 10
#   PutRow/concurrent32 / concurrent32/nosync   how much of fsync group commit hides
#
# Usage: bash emulator/tablestore/bench.sh [go test flags, e.g. -benchtime=2s]
# Set BENCH_OUT to a file name to keep the raw output for later comparison.
set -euo pipefail

# benchstat, pinned: golang.org/x/perf has no tagged releases.
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

cd "$(dirname "$0")/../.."

out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/tablestore-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi

go test -run '^$' -count=6 -timeout=30m \
	-bench '^(BenchmarkPutRow|BenchmarkBatchWriteRow|BenchmarkGetRange|BenchmarkRawBolt)$' \
	"$@" ./emulator/tablestore/ | tee "$out"

echo
go run "$BENCHSTAT" "$out"

# Median rows/s per benchmark (the -GOMAXPROCS suffix dropped), then the
# ratios.
echo
awk '/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i <= NF; i++)
		if ($i == "rows/s")
			print name, $(i - 1)
}' "$out" | sort -k1,1 -k2,2g | awk '
function flush() {
	if (n == 0)
		return
	med[name] = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	printf "%-32s %12.1f rows/s  (median of %d)\n", name, med[name], n
	n = 0
}
$1 != name { flush(); name = $1 }
{ v[++n] = $2 }
function ratio(label, a, b, op, target,   r, ok) {
	if (!(a in med) || !(b in med) || med[b] == 0) {
		printf "%-44s missing\n", label
		return
	}
	r = med[a] / med[b]
	ok = op == "<=" ? r <= target : r >= target
	printf "%-44s %7.2fx  (target %s %gx: %s)\n", label, r, op, target, ok ? "met" : "MISSED"
}
END {
	flush()
	print ""
	ratio("RawBolt/put200 / BatchWriteRow/200", "BenchmarkRawBolt/put200", "BenchmarkBatchWriteRow/200", "<=", 3)
	ratio("RawBolt/put200 / BatchWriteRow/200/server", "BenchmarkRawBolt/put200", "BenchmarkBatchWriteRow/200/server", "<=", 3)
	ratio("PutRow/concurrent32 / PutRow/sequential", "BenchmarkPutRow/concurrent32", "BenchmarkPutRow/sequential", ">=", 10)
	ratio("PutRow/concurrent32 / concurrent32/nosync", "BenchmarkPutRow/concurrent32", "BenchmarkPutRow/concurrent32/nosync", ">=", 0.8)
}'
