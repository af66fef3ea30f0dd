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

echo
go run ./internal/bench/cmd/ratio -in "$out" 'Batch100/rocketfn rows/s / Batch100/naive rows/s >= 10'
