#!/usr/bin/env bash
# Runs Switchboard on this machine: silo + Api + dashboard co-hosted on http://127.0.0.1:5000.
#
#   ./run.sh [host arguments...]        e.g. ./run.sh --urls http://127.0.0.1:8080
#
# - restores and builds what is missing (dotnet restore/build, npm ci for Azurite);
# - unless ConnectionStrings__AzureStorage is set, starts Azurite on 127.0.0.1:10000-10002
#   with its data under .data/azurite (log: .data/azurite.log) and points the host at it;
# - Ctrl-C (or SIGTERM) stops the host and then Azurite; nothing is left running.
#
# Environment: ASPNETCORE_ENVIRONMENT (default Development), ConnectionStrings__AzureStorage,
# ASPNETCORE_URLS (used instead of the default URL when set and no --urls is given),
# RUN_STOP_TIMEOUT (seconds to wait for a graceful host shutdown, default 30).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=scripts/azurite.sh
source scripts/azurite.sh

DEFAULT_URLS="http://127.0.0.1:5000"
BLOB_PORT=10000
QUEUE_PORT=10001
TABLE_PORT=10002

log() { printf 'run.sh: %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
    log "dotnet (SDK 10) not found on PATH"
    exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# ---- build first: a compile error should not leave anything started -------------
dotnet restore Orleans.sln
# --disable-build-servers: no MSBuild node / compiler server stays behind after Ctrl-C.
dotnet build src/Silo -c Debug --no-restore --nologo --disable-build-servers

# ---- cleanup: host first (it flushes state to storage), then Azurite ------------
DOTNET_PID=""
FORCE_STOP=0

stop_host() {
    local pid="$DOTNET_PID"
    [[ -n "$pid" ]] || return 0
    # The host runs in its own process group (pgid == pid): signal the whole group so
    # `dotnet run` and the app it spawned both get it.
    if kill -0 -- "-$pid" 2>/dev/null; then
        log "stopping the host (Ctrl-C again to force)..."
        # SIGTERM, not SIGINT: ASP.NET shuts down gracefully on both, but a shell started in the
        # background (CI, a supervisor) leaves SIGINT ignored in its children.
        kill -TERM -- "-$pid" 2>/dev/null || true
        local deadline=$((SECONDS + ${RUN_STOP_TIMEOUT:-30}))
        while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)) && ((!FORCE_STOP)); do
            sleep 0.2 || true
        done
        if kill -0 -- "-$pid" 2>/dev/null; then
            log "host still running; sending SIGKILL"
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    DOTNET_PID=""
}

cleanup() {
    # Runs from the INT/TERM traps and again from the EXIT trap: both steps are
    # idempotent. No errexit here: an interrupted `sleep` must not abort the cleanup.
    set +e
    # A second Ctrl-C while stopping escalates instead of leaving processes behind.
    trap 'FORCE_STOP=1' INT TERM
    stop_host
    azurite_stop
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# ---- storage --------------------------------------------------------------------
if [[ -z "${ConnectionStrings__AzureStorage:-}" ]]; then
    azurite_install
    for port in "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"; do
        if port_in_use "$port"; then
            log "port $port on 127.0.0.1 is busy (another Azurite or service?). Stop it, or point"
            log "Switchboard at existing storage: ConnectionStrings__AzureStorage='UseDevelopmentStorage=true' ./run.sh"
            exit 1
        fi
    done
    mkdir -p .data
    azurite_start .data/azurite "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"
    ConnectionStrings__AzureStorage="$(azurite_connection_string "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT")"
    export ConnectionStrings__AzureStorage
    log "Azurite on 127.0.0.1:$BLOB_PORT/$QUEUE_PORT/$TABLE_PORT (data .data/azurite, log .data/azurite.log)"
else
    log "using storage from ConnectionStrings__AzureStorage; not starting Azurite"
fi

# ---- host -----------------------------------------------------------------------
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

user_urls=""
prev=""
for arg in "$@"; do
    case "$arg" in
        --urls=* | /urls=*) user_urls="${arg#*=}" ;;
        --urls | /urls) user_urls="(next argument)" ;;
    esac
    if [[ "$prev" == "--urls" || "$prev" == "/urls" ]]; then
        user_urls="$arg"
    fi
    prev="$arg"
done

host_args=()
if [[ -n "$user_urls" ]]; then
    listen="$user_urls"
elif [[ -n "${ASPNETCORE_URLS:-}" ]]; then
    listen="$ASPNETCORE_URLS"
else
    listen="$DEFAULT_URLS"
    host_args+=(--urls "$DEFAULT_URLS")
fi
host_args+=("$@")

# Own process group (set -m) so the terminal's Ctrl-C reaches only this script, which
# then stops the host and Azurite in order. Stdin from /dev/null: a background process
# group must not touch the terminal.
set -m
dotnet run --project src/Silo -c Debug --no-build --no-launch-profile -- "${host_args[@]}" </dev/null &
DOTNET_PID=$!
set +m

log "Switchboard ($ASPNETCORE_ENVIRONMENT) will listen on $listen - Ctrl-C stops it"

rc=0
wait "$DOTNET_PID" || rc=$?
log "host exited with code $rc"
exit "$rc"
