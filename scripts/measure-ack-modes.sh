#!/usr/bin/env bash
# Measures webhook acknowledgement latency for both Webhook:AckMode values, with fast and slow agents.
# Loopback only; each configuration gets a fresh Azurite and a fresh Release silo.
#
#   scripts/measure-ack-modes.sh [SENDERS] [MESSAGES] [CONCURRENCY] [DURATION] [RATE]
#   scripts/measure-ack-modes.sh 5000 3 32 30s          # closed model: as fast as the service acknowledges
#   scripts/measure-ack-modes.sh 3000 1 32 30s 50/s     # open model: a fixed arrival rate
#
# Environment: MODES="OneWay Durable" and DELAYS="0 3000" pick the configurations; SILO_SRC=DIR measures the silo of
# another checkout (e.g. a worktree of an older commit) with this checkout's load tool; WARMUP=20s first drives the
# same load for that long without counting it (a freshly started silo spends its first half minute compiling: the
# just-in-time compiler's tiers, not turns), then measures DURATION.
#
# Writes one JSON per configuration to .data/ack-modes/ and prints the load tool's summaries, then the turns the
# service answered while the load ran (switchboard_turns_answered_total at the end of the run) and per second, and the
# CPU the silo and Azurite used during the run (from /proc: share of one core, and milliseconds per answered turn), which
# says which of the two a saturated run is waiting for.
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

# User + system CPU of a process in clock ticks (1/100 s on Linux).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_report() { # NAME PID TICKS_AT_START SECONDS_AT_START TURNS
    local used=$(( $(cpu_ticks "$2") - $3 )) seconds=$(( SECONDS - $4 ))
    awk -v n="$1" -v t="$used" -v s="$seconds" -v turns="$5" 'BEGIN {
        printf "%s CPU during the run: %.0f %% of one core, %.1f ms per answered turn\n", n, t / s, (turns > 0 ? t * 10 / turns : 0) }'
}

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
        if [[ -n "${WARMUP:-}" ]]; then
            dotnet src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll run --url http://127.0.0.1:5400 \
                --auth-token switchboard-dev-auth-token --senders "$senders" --messages "$messages" \
                --concurrency "$concurrency" --duration "$WARMUP" ${rate:+--rate "$rate"} >"$out/warmup-$name.txt" 2>&1 || true
        fi
        answered0="$(curl -sf http://127.0.0.1:5400/metrics | awk '/^switchboard_turns_answered_total/ { print $2 }')"
        silo_ticks0="$(cpu_ticks "$silo_pid")" azurite_ticks0="$(cpu_ticks "$AZURITE_PID")" started=$SECONDS
        dotnet src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll run --url http://127.0.0.1:5400 \
            --auth-token switchboard-dev-auth-token --senders "$senders" --messages "$messages" \
            --concurrency "$concurrency" --duration "$duration" ${rate:+--rate "$rate"} --json "$out/$name${rate:+-rate}.json" || true
        answered="$(curl -sf http://127.0.0.1:5400/metrics | awk -v before="${answered0:-0}" '/^switchboard_turns_answered_total/ { print $2 - before }')"
        echo "turns answered during the run: ${answered:-0} (${answered:-0} / ${duration})"
        cpu_report silo "$silo_pid" "$silo_ticks0" "$started" "${answered:-0}"
        cpu_report Azurite "$AZURITE_PID" "$azurite_ticks0" "$started" "${answered:-0}"
        stop_all
    done
done
