#!/usr/bin/env bash
# bench.sh runs the README's side-by-side benchmarks of package ots
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
# Usage: bash emulator/ots/bench.sh [go test flags, e.g. -benchtime=2s]
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
	"$@" ./emulator/ots/ | tee "$out"

echo
go run "$BENCHSTAT" "$out"

go run ./internal/bench/cmd/ratio -in "$out" \
	'RawBolt/put200 rows/s / BatchWriteRow/200 rows/s <= 3' \
	'RawBolt/put200 rows/s / BatchWriteRow/200/server rows/s <= 3' \
	'PutRow/concurrent32 rows/s / PutRow/sequential rows/s >= 10' \
	'PutRow/concurrent32 rows/s / PutRow/concurrent32/nosync rows/s >= 0.8'
