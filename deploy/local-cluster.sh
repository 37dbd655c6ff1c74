#!/usr/bin/env bash
# Runs a Switchboard cluster on this machine: N silos on Azure Table membership and one stand-alone front end.
#
#   deploy/local-cluster.sh [--silos N] [--restart-dead] [front end arguments...]
#                                                       e.g. deploy/local-cluster.sh --silos 3 --urls http://127.0.0.1:8080
#
# - unless ConnectionStrings__AzureStorage is set, starts Azurite on 127.0.0.1:10000-10002 with its data under
#   .data/cluster/azurite (log .data/cluster/azurite.log), like run.sh;
# - builds src/Silo and src/Frontend in Release, once;
# - starts silo i (1..N) with Orleans__Clustering=AzureStorage, a shared ClusterId/ServiceId, silo port
#   SILO_PORT_BASE+i, gateway port GATEWAY_PORT_BASE+i and its own HTTP port SILO_HTTP_PORT_BASE+i (health,
#   dashboard, admin); its PID goes to .data/cluster/silo-<i>.pid, its log to .data/cluster/silo-<i>.log;
# - starts the front end (src/Frontend, an Orleans client) on http://127.0.0.1:5000 (arguments such as --urls pass to
#   it), PID in .data/cluster/frontend.pid, log .data/cluster/frontend.log; waits for every /health;
# - with --restart-dead, a silo that dies (killed by scripts/chaos.sh, say) is started again within a second, on the
#   same ports, as an orchestrator would restart its container; its new PID goes to the same file;
# - Ctrl-C (or SIGTERM) stops the front end, the silos, then Azurite; nothing it started is left running.
#
# Every process inherits this environment, so settings such as Webhook__AckMode or Agents__StepDelayMs reach them
# all. Defaults here: Webhook__AckMode=Durable, ASPNETCORE_ENVIRONMENT=Development,
# Orleans__ClusterId=switchboard-local, Orleans__ServiceId=switchboard. Also: SILO_PORT_BASE (11110),
# GATEWAY_PORT_BASE (30000), SILO_HTTP_PORT_BASE (5100), CLUSTER_START_TIMEOUT (seconds per process, 120),
# RUN_STOP_TIMEOUT (seconds for a graceful stop, 30). Silo i listens on SILO_PORT_BASE+i, GATEWAY_PORT_BASE+i and
# SILO_HTTP_PORT_BASE+i, so the first silo of the defaults uses 11111, 30001 and 5101. The front end's URL is --urls,
# else ASPNETCORE_URLS, else http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=../scripts/azurite.sh
source scripts/azurite.sh

log() { printf 'local-cluster.sh: %s\n' "$*" >&2; }

usage() {
    sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
}

SILOS=2
RESTART_DEAD=0
front_args=()
while (($#)); do
    case "$1" in
        --silos)
            [[ $# -ge 2 ]] || { usage; exit 2; }
            SILOS="$2"
            shift 2
            ;;
        --silos=*)
            SILOS="${1#*=}"
            shift
            ;;
        --restart-dead)
            RESTART_DEAD=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            front_args+=("$1")
            shift
            ;;
    esac
done
if ! [[ "$SILOS" =~ ^[1-9][0-9]?$ ]]; then
    log "--silos wants a number from 1 to 99, not '$SILOS'"
    exit 2
fi

DATA=".data/cluster"
DEFAULT_URLS="http://127.0.0.1:5000"
SILO_PORT_BASE="${SILO_PORT_BASE:-11110}"
GATEWAY_PORT_BASE="${GATEWAY_PORT_BASE:-30000}"
SILO_HTTP_PORT_BASE="${SILO_HTTP_PORT_BASE:-5100}"
START_TIMEOUT="${CLUSTER_START_TIMEOUT:-120}"

if ! command -v dotnet >/dev/null 2>&1; then
    log "dotnet (SDK 10) not found on PATH"
    exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# ---- build first: a compile error should not leave anything started -------------
dotnet build src/Silo -c Release --nologo --disable-build-servers
dotnet build src/Frontend -c Release --nologo --disable-build-servers
SILO_DLL="$PWD/src/Silo/bin/Release/net10.0/Switchboard.Silo.dll"
FRONTEND_DLL="$PWD/src/Frontend/bin/Release/net10.0/Switchboard.Frontend.dll"

# ---- cleanup: front end, silos (they flush state to storage), then Azurite ------
PIDS=() # front end first once started, then silos
FORCE_STOP=0

stop_pid() {
    local pid="$1" name="$2"
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + ${RUN_STOP_TIMEOUT:-30}))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)) && ((!FORCE_STOP)); do
        sleep 0.2 || true
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) still running; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    # From the INT/TERM traps and again from EXIT: idempotent, and no errexit (an interrupted sleep must not abort it).
    set +e
    trap 'FORCE_STOP=1' INT TERM
    if ((${#PIDS[@]})); then
        log "stopping the front end and ${SILOS} silo(s) (Ctrl-C again to force)..."
    fi
    local entry
    for entry in "${PIDS[@]}"; do
        stop_pid "${entry%%:*}" "${entry#*:}"
    done
    PIDS=()
    rm -f "$DATA"/silo-*.pid "$DATA"/frontend.pid
    azurite_stop
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

mkdir -p "$DATA"
rm -f "$DATA"/silo-*.pid "$DATA"/frontend.pid

# ---- storage --------------------------------------------------------------------
if [[ -z "${ConnectionStrings__AzureStorage:-}" ]]; then
    azurite_install
    for port in 10000 10001 10002; do
        if port_in_use "$port"; then
            log "port $port on 127.0.0.1 is busy (./run.sh or another Azurite?). Stop it, or point the cluster at existing"
            log "storage: ConnectionStrings__AzureStorage='UseDevelopmentStorage=true' deploy/local-cluster.sh"
            exit 1
        fi
    done
    azurite_start "$DATA/azurite" 10000 10001 10002
    ConnectionStrings__AzureStorage="$(azurite_connection_string 10000 10001 10002)"
    export ConnectionStrings__AzureStorage
    log "Azurite on 127.0.0.1:10000-10002 (data $DATA/azurite, log $DATA/azurite.log)"
else
    log "using storage from ConnectionStrings__AzureStorage; not starting Azurite"
fi

# ---- cluster settings, inherited by every process ----------------------------------
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Orleans__Clustering=AzureStorage
export Orleans__ClusterId="${Orleans__ClusterId:-switchboard-local}"
export Orleans__ServiceId="${Orleans__ServiceId:-switchboard}"
export Webhook__AckMode="${Webhook__AckMode:-Durable}"

front_urls=""
prev=""
for arg in "${front_args[@]+"${front_args[@]}"}"; do
    case "$arg" in
        --urls=*) front_urls="${arg#*=}" ;;
    esac
    [[ "$prev" == "--urls" ]] && front_urls="$arg"
    prev="$arg"
done
if [[ -z "$front_urls" ]]; then
    front_urls="${ASPNETCORE_URLS:-$DEFAULT_URLS}"
    front_args+=(--urls "$front_urls")
fi
# The first URL, with a wildcard host made reachable, is where /health is asked.
health_base="${front_urls%%;*}"
health_base="${health_base/\/\/+:/\/\/127.0.0.1:}"
health_base="${health_base/\/\/\*:/\/\/127.0.0.1:}"
health_base="${health_base/\/\/0.0.0.0:/\/\/127.0.0.1:}"

for ((i = 1; i <= SILOS; i++)); do
    for port in $((SILO_PORT_BASE + i)) $((GATEWAY_PORT_BASE + i)) $((SILO_HTTP_PORT_BASE + i)); do
        if port_in_use "$port"; then
            log "port $port on 127.0.0.1 is busy: stop what uses it or move the bases (SILO_PORT_BASE, GATEWAY_PORT_BASE, SILO_HTTP_PORT_BASE)"
            exit 1
        fi
    done
done

# wait_healthy NAME PID URL: until GET URL/health answers 200, the process exits, or the timeout passes.
wait_healthy() {
    local name="$1" pid="$2" url="$3" deadline=$((SECONDS + START_TIMEOUT))
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited during start-up; last lines of its log:"
            tail -n 30 "$DATA/$name.log" >&2
            return 1
        fi
        if curl -fsS -o /dev/null --max-time 5 "$url/health" 2>/dev/null; then
            log "$name healthy at $url (pid $pid)"
            return 0
        fi
        if ((SECONDS >= deadline)); then
            log "$name not healthy at $url/health after ${START_TIMEOUT}s; log: $DATA/$name.log"
            return 1
        fi
        sleep 0.5 || true
    done
}

# ---- silos ----------------------------------------------------------------------
# Each in its own process group (set -m), so a Ctrl-C in the terminal reaches only this script, which then stops
# them in order. `exec` makes the recorded PID the silo itself (what a chaos script kills). The working directory is
# the project folder, so appsettings.{Environment}.json is read as with `dotnet run`.
silo_pids=()
# start_silo I: starts silo I (its log appended to), records its PID.
start_silo() {
    local i="$1"
    set -m
    (
        cd src/Silo
        export Orleans__SiloPort=$((SILO_PORT_BASE + i)) Orleans__GatewayPort=$((GATEWAY_PORT_BASE + i))
        exec dotnet "$SILO_DLL" --urls "http://127.0.0.1:$((SILO_HTTP_PORT_BASE + i))"
    ) </dev/null >>"$DATA/silo-$i.log" 2>&1 &
    set +m
    silo_pids[i]=$!
    PIDS+=("$!:silo-$i")
    echo "$!" >"$DATA/silo-$i.pid"
    log "silo $i: pid $!, silo port $((SILO_PORT_BASE + i)), gateway $((GATEWAY_PORT_BASE + i)), http://127.0.0.1:$((SILO_HTTP_PORT_BASE + i)) (log $DATA/silo-$i.log)"
}
for ((i = 1; i <= SILOS; i++)); do
    : >"$DATA/silo-$i.log"
    start_silo "$i"
done

for ((i = 1; i <= SILOS; i++)); do
    wait_healthy "silo-$i" "${silo_pids[i]}" "http://127.0.0.1:$((SILO_HTTP_PORT_BASE + i))"
done

# ---- front end ------------------------------------------------------------------
set -m
(
    cd src/Frontend
    exec dotnet "$FRONTEND_DLL" "${front_args[@]}"
) </dev/null >"$DATA/frontend.log" 2>&1 &
FRONTEND_PID=$!
set +m
PIDS=("$FRONTEND_PID:frontend" "${PIDS[@]}")
echo "$FRONTEND_PID" >"$DATA/frontend.pid"
wait_healthy frontend "$FRONTEND_PID" "$health_base"

log "cluster '$Orleans__ClusterId' ($SILOS silo(s), Webhook:AckMode=$Webhook__AckMode, $ASPNETCORE_ENVIRONMENT) answers on $front_urls"
log "dashboard: $health_base/dashboard (and on each silo) - Ctrl-C stops everything"

# Runs until Ctrl-C or until the front end exits. A silo that dies (or is killed by a chaos test) does not end it;
# with --restart-dead it is started again.
rc=0
if ((RESTART_DEAD)); then
    while kill -0 "$FRONTEND_PID" 2>/dev/null; do
        for ((i = 1; i <= SILOS; i++)); do
            if ! kill -0 "${silo_pids[i]}" 2>/dev/null; then
                wait "${silo_pids[i]}" 2>/dev/null || true
                log "silo $i (pid ${silo_pids[i]}) is gone: starting it again"
                start_silo "$i"
            fi
        done
        sleep 1 || true
    done
fi
wait "$FRONTEND_PID" || rc=$?
log "front end exited with code $rc"
exit "$rc"
