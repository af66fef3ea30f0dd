#!/usr/bin/env bash
# bench.sh runs the benchmarks of the whole chain (bench_test.go): player
# messages published with the official MQ HTTP SDK, delivered by the local
# EventBridge to the players function running as a process, written to a
# durable local Tablestore. It runs them six times, summarizes the runs
# with benchstat, then prints the median of each metric, the ratio the
# issue sets a target for:
#
#   Chain/event-streaming-batch100 / Chain/event-driven, msgs/s     target: at least 10
#
# and the chain's overhead per message: the time per message of each
# chain benchmark minus that of Chain/in-process (the players handler in
# the test process, handed the same batches, writing to the same kind of
# Tablestore), from the medians of msgs/s.
#
# Usage: bash emulator/stack/bench.sh [go test flags, e.g. -benchtime=2s]
# Set BENCH_OUT to a file name to keep the raw output for later comparison.
set -euo pipefail

# benchstat, pinned: golang.org/x/perf has no tagged releases.
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

cd "$(dirname "$0")/../.."

out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/stack-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi

go test -run '^$' -count=6 -timeout=30m -bench '^(BenchmarkChain|BenchmarkLatency)$' \
	"$@" ./emulator/stack/ | tee "$out"

echo
go run "$BENCHSTAT" "$out"

echo
status=0
report=$(go run ./internal/bench/cmd/ratio -in "$out" \
	'Chain/event-streaming-batch100 msgs/s / Chain/event-driven msgs/s >= 10') || status=$?
echo "$report"

echo
echo "Overhead per message over Chain/in-process (medians of msgs/s):"
echo "$report" | awk '
	$3 == "msgs/s" && $2 > 0 { rate[$1] = $2 }
	END {
		floor = rate["Chain/in-process"]
		if (!floor) { print "  no Chain/in-process measurement"; exit }
		for (k in rate) if (k != "Chain/in-process")
			printf "  %-28s %9.1f µs/msg (%.1f µs/msg, in-process %.1f µs/msg)\n",
				k, 1e6 / rate[k] - 1e6 / floor, 1e6 / rate[k], 1e6 / floor
	}' | sort
exit "$status"
