#!/usr/bin/env bash
# bench.sh runs the side-by-side benchmarks of package rocketmq
# (bench_test.go): a durable server driven by the official MQ HTTP SDK over
# loopback, next to a no-op round trip to the same server. It runs each
# six times, summarizes them with benchstat, then prints the medians and
# the ratios the README quotes:
#
#   Publish/producers32 / Publish/producers1        target: at least 10
#   Delivery/longpoll published-p50 / noop p50       target: at most 3
#
# Usage: bash emulator/rocketmq/bench.sh [go test flags]
# Set BENCH_OUT to a file name to keep the raw output.
set -euo pipefail
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
cd "$(dirname "$0")/../.."
out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/rocketmq-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi
go test -run '^$' -count=6 -timeout=30m -bench . "$@" ./emulator/rocketmq/ | tee "$out"
echo
go run "$BENCHSTAT" "$out"
echo
go run ./internal/bench/cmd/ratio -in "$out" \
	'Publish/producers32 msgs/s / Publish/producers1 msgs/s >= 10' \
	'Delivery/longpoll published-p50-µs / Delivery/noop roundtrip-p50-µs <= 3' \
	'Delivery/longpoll send-p50-µs / Delivery/noop roundtrip-p50-µs <= 3'
