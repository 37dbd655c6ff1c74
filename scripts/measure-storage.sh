#!/usr/bin/env bash
# Counts storage operations and bytes per conversation turn (a fresh and an aged sender) against Azurite.
# Loopback only: its own Azurite, a counting proxy in front of Azurite's table endpoint, a Release silo and the load
# tool's fake Twilio; everything is stopped on exit. See docs/load-testing.md, "Storage per turn".
#
#   scripts/measure-storage.sh [--aged 150] [--measured 40] [--fresh 10] [--ack-mode Durable]
#                              [--commit REV | --src DIR]
#
#   --commit REV  measure the service as of REV (git archive into .data/measure-storage/src-REV); the proxy and the
#                 driver always come from this checkout, so any version with the same HTTP contract can be measured
#   --src DIR     measure the service in another checkout (DIR/src/Silo)
#
# Prints a table per phase and writes .data/measure-storage/result.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/azurite.sh

aged=150 measured=40 fresh=10 ack_mode=Durable src="" commit=""
while (($#)); do
    case "$1" in
    --aged) aged="$2"; shift 2 ;;
    --measured) measured="$2"; shift 2 ;;
    --fresh) fresh="$2"; shift 2 ;;
    --ack-mode) ack_mode="$2"; shift 2 ;;
    --src) src="$2"; shift 2 ;;
    --commit) commit="$2"; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ -n "$src" && -n "$commit" ]] && { echo "--src and --commit exclude each other" >&2; exit 2; }

out=".data/measure-storage"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [[ -n "$commit" ]]; then
    rev="$(git rev-parse --verify "$commit^{commit}")"
    src="$out/src-${rev:0:12}"
    if [[ ! -f "$src/src/Silo/Silo.csproj" ]]; then
        rm -rf "$src" && mkdir -p "$src"
        git archive "$rev" | tar -x -C "$src"
    fi
    label="commit ${rev:0:12}"
elif [[ -n "$src" ]]; then
    src="$(cd "$src" && pwd)"
    label="$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null || echo "$src")"
    [[ -n "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]] && label="$label+dirty"
    label="commit $label"
else
    src="$PWD"
    label="commit $(git rev-parse --short=12 HEAD)"
    [[ -n "$(git status --porcelain --untracked-files=no)" ]] && label="$label+dirty"
fi
label="$label, Webhook:AckMode=$ack_mode"

azurite_install
echo "building the load tool (this checkout) and the silo ($src) in Release..."
dotnet build src/LoadTest -c Release --nologo -v q >/dev/null
dotnet build "$src/src/Silo" -c Release --nologo -v q >/dev/null
silo_dll="$src/src/Silo/bin/Release/net10.0/Switchboard.Silo.dll"
tool="$PWD/src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll"
[[ -f "$silo_dll" ]] || { echo "no $silo_dll after the build" >&2; exit 1; }

silo_pid="" proxy_pid=""
stop_pid() {
    local pid="$1"
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1 || true; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    stop_pid "$silo_pid"; silo_pid=""
    stop_pid "$proxy_pid"; proxy_pid=""
    azurite_stop
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Eight distinct free loopback ports: Azurite blob, queue, table; proxy; silo HTTP, silo, gateway; fake Twilio.
ports=()
while ((${#ports[@]} < 8)); do
    p="$(free_port)"
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
done
read -r blob queue table proxy http silo_port gateway twilio <<<"${ports[*]}"

rm -rf "$out/azurite" "$out/requests.log"
azurite_start "$out/azurite" "$blob" "$queue" "$table"

dotnet "$tool" storage-proxy --listen "127.0.0.1:$proxy" --target "http://127.0.0.1:$table" --log "$out/requests.log" \
    </dev/null >"$out/proxy.log" 2>&1 &
proxy_pid=$!
for ((i = 0; i < 100; i++)); do port_in_use "$proxy" && break; kill -0 "$proxy_pid" 2>/dev/null || break; sleep 0.2; done
port_in_use "$proxy" || { echo "storage proxy did not start; $out/proxy.log:" >&2; cat "$out/proxy.log" >&2; exit 1; }

# Blob and queue straight to Azurite, tables through the counting proxy.
storage="$(azurite_connection_string "$blob" "$queue" "$proxy")"
# The storage watch's probe write (every 2 s by default) is background, not part of a turn: every 10 minutes here.
(cd "$src/src/Silo" && ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
    ConnectionStrings__AzureStorage="$storage" Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway" \
    Webhook__AckMode="$ack_mode" Webhook__StorageCheckPeriod=00:10:00 Agents__StepDelayMs=0 \
    Twilio__Enabled=true Twilio__ApiBaseUrl="http://127.0.0.1:$twilio" \
    exec dotnet "$silo_dll" --urls "http://127.0.0.1:$http") </dev/null >"$out/silo.log" 2>&1 &
silo_pid=$!
deadline=$((SECONDS + 120))
until curl -sf -o /dev/null "http://127.0.0.1:$http/health"; do
    if ! kill -0 "$silo_pid" 2>/dev/null; then
        echo "the silo exited during start-up; $out/silo.log:" >&2; tail -n 30 "$out/silo.log" >&2; exit 1
    fi
    ((SECONDS < deadline)) || { echo "the silo is not healthy after 120 s; $out/silo.log:" >&2; tail -n 30 "$out/silo.log" >&2; exit 1; }
    sleep 0.5
done
echo "silo on http://127.0.0.1:$http ($label); tables through http://127.0.0.1:$proxy"

if ! dotnet "$tool" storage-turns --url "http://127.0.0.1:$http" --auth-token switchboard-dev-auth-token \
    --proxy "http://127.0.0.1:$proxy" --twilio-fake-port "$twilio" \
    --aged "$aged" --measured "$measured" --fresh "$fresh" --label "$label" --json "$out/result.json"; then
    echo "measurement failed; logs: $out/silo.log, $out/requests.log (one line per storage request)" >&2
    exit 1
fi
if grep -qE '^(fail|crit):' "$out/silo.log"; then
    echo "note: the silo logged errors, see $out/silo.log" >&2
fi
