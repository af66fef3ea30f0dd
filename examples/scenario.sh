#!/usr/bin/env bash
# The seed scenario end to end on the local stack, with the examples:
#
#   1. start the local RocketMQ and Tablestore (in memory, on loopback) and
#      the players function beside them, as FC's custom runtime runs it;
#   2. publish three player messages to topic players (examples/produce);
#   3. consume them (examples/consume), as a trigger would;
#   4. deliver the same three players to the function's /invoke in the
#      payload FC sends for an event-streaming trigger
#      (functions/players/testdata/players-batch.json);
#   5. read the rows the function wrote back (examples/readrows).
#
# Run it from anywhere: bash examples/scenario.sh
#
# Everything listens on 127.0.0.1. The ports can be changed with
# SCENARIO_MQ_PORT (default 18080), SCENARIO_TABLESTORE_PORT (18020) and
# SCENARIO_FUNCTION_PORT (19000); SCENARIO_TIMEOUT is how many seconds to
# wait for a process to come up (default 60). The background processes are
# stopped when the script ends, however it ends. Bash 3.2 or later, and
# curl if there is one.
set -euo pipefail

cd "$(dirname "$0")/.."

mq_port=${SCENARIO_MQ_PORT:-18080}
tablestore_port=${SCENARIO_TABLESTORE_PORT:-18020}
function_port=${SCENARIO_FUNCTION_PORT:-19000}
wait_seconds=${SCENARIO_TIMEOUT:-60}

work=$(mktemp -d "${TMPDIR:-/tmp}/rocketfn-scenario.XXXXXX")
bin=$work/bin
pids=()

# cleanup stops the background processes and removes the work directory.
cleanup() {
	local pid
	for pid in ${pids[@]+"${pids[@]}"}; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in ${pids[@]+"${pids[@]}"}; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n== %s\n' "$*"; }

# start NAME COMMAND...: runs COMMAND in the background, its output in
# $work/NAME.log.
start() {
	local name=$1
	shift
	"$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
}

# wait_for NAME TEXT: waits until TEXT appears in NAME's log, failing with
# the log when the process exits or $wait_seconds seconds pass first.
wait_for() {
	local name=$1 text=$2 pid=${pids[${#pids[@]} - 1]} deadline=$((SECONDS + wait_seconds))
	until grep -qF -- "$text" "$work/$name.log"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$name exited before printing \"$text\":" >&2
			cat "$work/$name.log" >&2
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "$name did not print \"$text\" within ${wait_seconds}s:" >&2
			cat "$work/$name.log" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# invoke FILE: POSTs FILE to the function's /invoke as FC does and prints
# the answer; curl when there is one, else bash's /dev/tcp.
invoke() {
	local url=http://127.0.0.1:$function_port/invoke
	if command -v curl >/dev/null; then
		curl -sS --max-time 30 -XPOST "$url" -H 'x-fc-request-id: scenario-1' \
			-H 'Content-Type: application/json' --data-binary @"$1" -w '\nHTTP %{http_code}\n' |
			tee "$work/invoke.out"
	else
		exec 3<>"/dev/tcp/127.0.0.1/$function_port"
		printf 'POST /invoke HTTP/1.0\r\nHost: 127.0.0.1\r\nx-fc-request-id: scenario-1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' \
			"$(wc -c <"$1")" >&3
		cat "$1" >&3
		timeout 30 cat <&3 | tee "$work/invoke.out"
		exec 3<&-
	fi
	grep -q 'HTTP[/ 0-9.]*200' "$work/invoke.out" || { echo "the invocation failed" >&2; exit 1; }
}

step "building the stack, the function and the examples"
go build -o "$bin/" ./cmd/rocketfn ./functions/players ./examples/produce ./examples/consume ./examples/readrows

# Only the local stack: the local endpoints and key, nothing from the
# environment that would point elsewhere.
unset MQ_INSTANCE ALIBABA_CLOUD_SECURITY_TOKEN FC_RUNTIME_API FC_SERVER_PORT PLAYERS_TABLE ROCKETFN_LOCAL
export MQ_ENDPOINT=http://127.0.0.1:$mq_port
export TABLESTORE_ENDPOINT=http://127.0.0.1:$tablestore_port TABLESTORE_INSTANCE=rocketfn
export ALIBABA_CLOUD_ACCESS_KEY_ID=rocketfn-local ALIBABA_CLOUD_ACCESS_KEY_SECRET=rocketfn-local-secret

step "starting the local RocketMQ on $MQ_ENDPOINT and Tablestore on $TABLESTORE_ENDPOINT"
start mq "$bin/rocketfn" mq --memory --no-remoting --no-grpc --listen "127.0.0.1:$mq_port"
wait_for mq "RocketMQ is serving."
start tablestore "$bin/rocketfn" tablestore --memory --listen "127.0.0.1:$tablestore_port"
wait_for tablestore "Tablestore is serving."

step "starting the players function on 127.0.0.1:$function_port"
start players env PLAYERS_CREATE_TABLE=true FC_CUSTOM_LISTEN_PORT="$function_port" ROCKETFN_HOST=127.0.0.1 "$bin/players"
wait_for players "rocketfn function listening"

step "1. publishing three player messages to topic players"
for body in \
	'{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}' \
	'{"id":"1002","name":"bob","job":"warrior","hero":"Garen"}' \
	'{"id":"1003","name":"carol","job":"support","hero":"Lulu"}'; do
	"$bin/produce" -kind tagged -topic players -tag register -n 1 -body "$body"
done

step "2. consuming them"
"$bin/consume" -topic players -group GID_players -tag register -n 3 -wait 30s

step "3. invoking the function with what FC delivers for them"
invoke functions/players/testdata/players-batch.json

step "4. the rows of table players"
"$bin/readrows" -table players
