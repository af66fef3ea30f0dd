#!/usr/bin/env bash
# Measures hot reload in rocketfn dev: edit-to-serving, from the write of
# an edit of a function's source to the first invocation answered by the
# edited code (BenchmarkHotReload in watch_bench_test.go). Each run makes
# EDITS edits (default 10) after one that warms the build cache; COUNT
# runs (default 3). Prints each run's medians, then the median of all.
set -euo pipefail
cd "$(dirname "$0")/../.."
edits=${EDITS:-10}
count=${COUNT:-3}
out=$(go test -run '^$' -bench '^BenchmarkHotReload$' -benchtime "${edits}x" -count "$count" ./emulator/stack/)
echo "$out" | grep -E '^(goos|goarch|cpu|BenchmarkHotReload)'
echo
echo "$out" | awk '
/^BenchmarkHotReload/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ms-edit-to-serving-median") serve[name] = serve[name] " " $i
		if ($(i+1) == "ms-rebuild-median") build[name] = build[name] " " $i
	}
}
function med(list,   a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (name in serve) printf "%s: edit-to-serving median %.0f ms (runs:%s), rebuild median %.0f ms\n", name, med(serve[name]), serve[name], med(build[name])
}'
