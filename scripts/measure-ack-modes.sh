#!/usr/bin/env bash
# Measures webhook acknowledgement latency for both Webhook:AckMode values, with fast and slow agents.
# Loopback only; each configuration gets a fresh Azurite and a fresh Release silo.
#
#   scripts/measure-ack-modes.sh [SENDERS] [MESSAGES] [CONCURRENCY] [DURATION] [RATE]
#   scripts/measure-ack-modes.sh 5000 3 32 30s          # closed model: as fast as the service acknowledges
#   scripts/measure-ack-modes.sh 3000 1 32 30s 50/s     # open model: a fixed arrival rate
#
# Environment: MODES="OneWay Durable" and DELAYS="0 3000" pick the configurations; SILO_SRC=DIR measures the silo of
# another checkout (e.g. a worktree of an older commit) with this checkout's load tool.
#
# Writes one JSON per configuration to .data/ack-modes/ and prints the load tool's summaries, then the turns the
# service answered while the load ran (switchboard_turns_answered_total at the end of the run) and per second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/azurite.sh

senders="${1:-5000}" messages="${2:-3}" concurrency="${3:-32}" duration="${4:-30s}" rate="${5:-}"
out=".data/ack-modes"
mkdir -p "$out"
silo_src="$(cd "${SILO_SRC:-.}" && pwd)"
azurite_install
dotnet build "$silo_src/src/Silo" -c Release --nologo -v q >/dev/null
dotnet build src/LoadTest -c Release --nologo -v q >/dev/null

silo_pid=""
stop_all() {
    [[ -n "$silo_pid" ]] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null
    silo_pid=""
    azurite_stop
}
trap stop_all EXIT

for mode in ${MODES:-OneWay Durable}; do
    for delay in ${DELAYS:-0 3000}; do
        name="$mode-delay$delay"
        rm -rf "$out/azurite-$name"
        azurite_start "$out/azurite-$name" 10200 10201 10202
        (cd "$silo_src/src/Silo" && ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
            ConnectionStrings__AzureStorage="$(azurite_connection_string 10200 10201 10202)" \
            Orleans__SiloPort=11311 Orleans__GatewayPort=30200 \
            Webhook__AckMode="$mode" Agents__StepDelayMs="$delay" \
            exec dotnet bin/Release/net10.0/Switchboard.Silo.dll --urls http://127.0.0.1:5400) >"$out/silo-$name.log" 2>&1 &
        silo_pid=$!
        until curl -sf -o /dev/null http://127.0.0.1:5400/health; do sleep 0.5; done
        echo "== $name"
        dotnet src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll run --url http://127.0.0.1:5400 \
            --auth-token switchboard-dev-auth-token --senders "$senders" --messages "$messages" \
            --concurrency "$concurrency" --duration "$duration" ${rate:+--rate "$rate"} --json "$out/$name${rate:+-rate}.json" || true
        answered="$(curl -sf http://127.0.0.1:5400/metrics | awk '/^switchboard_turns_answered_total/ { print $2 }')"
        echo "turns answered during the run: ${answered:-0} (${answered:-0} / ${duration})"
        stop_all
    done
done
