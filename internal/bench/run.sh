#!/usr/bin/env bash
# Runs the internal/bench suite, then benchstat, then the rocketfn ratios
# and targets (cmd/ratios). Run it from anywhere; it works in the module
# root. Takes 3 to 4 minutes on 2 cores.
#
#   internal/bench/run.sh                 # the full suite, 6 runs of each benchmark
#   BENCH=DecodeDispatch internal/bench/run.sh
#   INTERLEAVE=1 internal/bench/run.sh    # 6 passes of -count=1 instead (see below)
#   PROFILE=1 internal/bench/run.sh       # also CPU profiles of the rocketfn path
#
# Choices:
#   - GOMAXPROCS is left at its default, the number of CPUs (the -N suffix
#     of every benchmark name records it). The decode paths run on one
#     goroutine; the other cores take the garbage collector's background
#     work, as they would on a function instance. The cold starts share the
#     cores between the server process and the polling client.
#   - -benchtime is the default 1s: a few hundred thousand single-event
#     calls, a few thousand batches and a few hundred timed cold starts
#     (each with an untimed start of the other program) per run. Override
#     with BENCHTIME.
#   - -count=6: benchstat needs 6 runs for a 95% confidence interval, and
#     the tables quote the median of the 6. Override with COUNT.
#     go test runs the 6 runs of a benchmark back to back, so a burst of
#     noise from a neighbour can shift all 6 runs of one path. INTERLEAVE=1
#     builds the test binary once and makes 6 passes over every benchmark
#     with -test.count=1 instead, which spreads such bursts over all paths;
#     use it to check a ratio close to its limit.
set -euo pipefail
out=$(realpath -m "${OUT:-$(dirname "$0")/results.txt}")
cd "$(dirname "$0")/../.."

benchstat=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

echo "# $(go version); $(nproc) CPUs; GOMAXPROCS=${GOMAXPROCS:-default}; results in $out" >&2
bench=${BENCH:-.}
count=${COUNT:-6}
benchtime=${BENCHTIME:-1s}
if [ -z "${INTERLEAVE:-}" ]; then
	go test -run='^$' -bench="$bench" -count="$count" -benchtime="$benchtime" -timeout=60m ./internal/bench/ | tee "$out"
else
	go test -c -o internal/bench/bench.test ./internal/bench/
	: >"$out"
	for i in $(seq "$count"); do
		echo "# pass $i of $count" >&2
		# In the package directory, as go test runs it.
		(cd internal/bench && ./bench.test -test.run='^$' -test.bench="$bench" -test.count=1 -test.benchtime="$benchtime" -test.timeout=60m) | tee -a "$out"
	done
fi

echo
go run "$benchstat" "$out"

echo
status=0
go run ./internal/bench/cmd/ratios "$out" || status=$?

if [ -n "${PROFILE:-}" ]; then
	for c in single batch100; do
		prof=internal/bench/rocketfn-$c.cpu.prof
		go test -run='^$' -bench="DecodeDispatch/$c/rocketfn\$" -benchtime=5s \
			-cpuprofile="$prof" -o internal/bench/bench.test ./internal/bench/ >/dev/null
		echo
		echo "# rocketfn $c: go tool pprof -top $prof"
		go tool pprof -top -nodecount=25 "$prof" 2>/dev/null | sed -n '/^ *flat/,$p'
	done
fi
exit "$status"
