#!/usr/bin/env bash
# Cold start: how fast a silo answers in its first seconds. Each run starts a fresh Azurite and a fresh silo, and the
# moment the silo reports healthy drives it at a steady rate for DURATION with replies captured by the load tool's
# fake Twilio; the reply latency of that window is what people texting a just-started (or just-restarted) silo see.
# Loopback only.
#
#   scripts/measure-cold-start.sh [RUNS] [RATE] [DURATION]        e.g. scripts/measure-cold-start.sh 3 20/s 30s
#
# Two builds of the same source, alternated run by run so both see the same machine:
#   jit  dotnet build -c Release, as run.sh and local-cluster.sh run it: every method compiled just in time;
#   r2r  dotnet publish -r linux-x64 -p:PublishReadyToRun=true, as the container images are built: precompiled code.
# BUILDS="jit r2r" picks them. Writes each run's load-tool JSON to .data/cold-start/ and prints one line per run
# (reply p50 / p99 / max, and the JIT's compile time in that window from the silo's /metrics), then per build the mean.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/azurite.sh

runs="${1:-3}" rate="${2:-20/s}" duration="${3:-30s}"
out=".data/cold-start"
rm -rf "$out"
mkdir -p "$out"
azurite_install
dotnet build src/LoadTest -c Release --nologo -v q >/dev/null
for build in ${BUILDS:-jit r2r}; do
    case "$build" in
    jit) dotnet build src/Silo -c Release --nologo -v q -o "$out/jit" >/dev/null ;;
    r2r) dotnet publish src/Silo -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --nologo -v q -o "$out/r2r" >/dev/null ;;
    *) echo "measure-cold-start.sh: BUILDS are jit and r2r, not '$build'" >&2; exit 2 ;;
    esac
done

fake_port="$(free_port)" silo_http="$(free_port)"
silo_pid=""
stop_all() {
    [[ -n "$silo_pid" ]] && kill "$silo_pid" 2>/dev/null && wait "$silo_pid" 2>/dev/null
    silo_pid=""
    azurite_stop
}
trap stop_all EXIT

jit_seconds() { curl -sf "http://127.0.0.1:$silo_http/metrics" | awk '/^dotnet_jit_compilation_time_seconds_total/ { print $2 }'; }

for ((run = 1; run <= runs; run++)); do
    for build in ${BUILDS:-jit r2r}; do
        name="$build-$run"
        ports=("$(free_port)" "$(free_port)" "$(free_port)")
        azurite_start "$out/azurite-$name" "${ports[@]}"
        (cd src/Silo && ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
            ConnectionStrings__AzureStorage="$(azurite_connection_string "${ports[@]}")" \
            Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Webhook__AckMode=Durable \
            Twilio__Enabled=true Twilio__ApiBaseUrl="http://127.0.0.1:$fake_port" \
            exec dotnet "../../$out/$build/Switchboard.Silo.dll" --urls "http://127.0.0.1:$silo_http") >"$out/silo-$name.log" 2>&1 &
        silo_pid=$!
        until curl -sf -o /dev/null "http://127.0.0.1:$silo_http/health"; do sleep 0.2; done
        jit0="$(jit_seconds)"
        dotnet src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll run --url "http://127.0.0.1:$silo_http" \
            --auth-token switchboard-dev-auth-token --senders 60 --messages 100000 --rate "$rate" --duration "$duration" \
            --warmup 0s --expect-replies --twilio-fake-port "$fake_port" --reply-timeout 60s --json "$out/$name.json" \
            >"$out/$name.txt" 2>&1 || true
        jit="$(jit_seconds)"
        python3 - "$out/$name.json" "$name" "$jit0" "$jit" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
reply, a = r["replyLatencyMs"], r["accounting"]
print(f"{sys.argv[2]}: replies {a['replies']}/{a['acked']}  reply p50 {reply['p50Ms']:.0f} ms  p99 {reply['p99Ms']:.0f} ms  "
      f"max {reply['maxMs']:.0f} ms  JIT {float(sys.argv[4]) - float(sys.argv[3]):.1f} s in the window")
EOF
        stop_all
    done
done

python3 - "$out" ${BUILDS:-jit r2r} <<'EOF'
import glob, json, sys
out, builds = sys.argv[1], sys.argv[2:]
for build in builds:
    runs = [json.load(open(f))["replyLatencyMs"] for f in sorted(glob.glob(f"{out}/{build}-*.json"))]
    if runs:
        print(f"{build}: mean of {len(runs)} runs: reply p50 {sum(r['p50Ms'] for r in runs) / len(runs):.0f} ms, "
              f"p99 {sum(r['p99Ms'] for r in runs) / len(runs):.0f} ms")
EOF
