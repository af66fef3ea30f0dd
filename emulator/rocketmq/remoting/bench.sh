#!/usr/bin/env bash
# bench.sh runs the side-by-side benchmarks of package remoting
# (bench_test.go): one durable broker served over MQ HTTP and over the
# remoting protocol, each driven over loopback by its official client. It
# runs each six times, prints benchstat's comparison of the protocols
# (columns proto=http and proto=remoting), then the medians and the
# ratios:
#
#   Publish producers=32 msgs/s, remoting / http       target: at least 2
#   Delivery p50-ms, remoting / http                   target: at most 1
#
# Usage: bash emulator/rocketmq/remoting/bench.sh [go test flags]
# Set BENCH_OUT to a file name to keep the raw output.
set -euo pipefail
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
cd "$(dirname "$0")/../../.."
out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/remoting-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi
go test -run '^$' -count=6 -timeout=30m -bench . "$@" ./emulator/rocketmq/remoting/ | tee "$out"
echo
go run "$BENCHSTAT" -col /proto "$out"
echo
go run ./internal/bench/cmd/ratio -in "$out" \
	'Publish/proto=remoting/producers=32 msgs/s / Publish/proto=http/producers=32 msgs/s >= 2' \
	'Delivery/proto=remoting p50-ms / Delivery/proto=http p50-ms <= 1'
