#!/usr/bin/env bash
# bench.sh runs the side-by-side benchmarks of package proxy
# (bench_test.go): one durable broker served over MQ HTTP, the remoting
# protocol and the 5.x gRPC protocol at once, each driven over loopback by
# its official client. It runs each six times, prints benchstat's
# comparison of the protocols (columns proto=http, proto=remoting and
# proto=grpc), then the medians and the ratios:
#
#   Publish producers=32 msgs/s, grpc / http      target: at least 2
#   ReceiveAck msgs/s, grpc / http                informative
#   Delivery p50-ms, grpc / http                  informative
#
# Usage: bash emulator/rocketmq/proxy/bench.sh [go test flags] [-store=memory|nosync]
# Set BENCH_OUT to a file name to keep the raw output.
set -euo pipefail
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
cd "$(dirname "$0")/../../.."
out=${BENCH_OUT:-}
if [[ -z $out ]]; then
	out=$(mktemp "${TMPDIR:-/tmp}/proxy-bench.XXXXXX")
	trap 'rm -f "$out"' EXIT
fi
# The flags follow the package so that the test binary's own (-store)
# pass through.
go test -run '^$' -count=6 -timeout=60m -bench . ./emulator/rocketmq/proxy/ "$@" | tee "$out"
echo
go run "$BENCHSTAT" -col /proto "$out"
echo
# The informative ratios have targets any ratio meets (>= 0), so that only
# the publish target decides the exit status.
go run ./internal/bench/cmd/ratio -in "$out" \
	'Publish/proto=grpc/producers=32 msgs/s / Publish/proto=http/producers=32 msgs/s >= 2' \
	'ReceiveAck/proto=grpc msgs/s / ReceiveAck/proto=http msgs/s >= 0' \
	'Delivery/proto=grpc p50-ms / Delivery/proto=http p50-ms >= 0'
