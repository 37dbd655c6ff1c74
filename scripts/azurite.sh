# shellcheck shell=bash
# Azurite (Azure Storage emulator, npm package pinned in package.json) helpers.
#
# Meant to be sourced:   source "$(dirname "$0")/scripts/azurite.sh"
#
#   azurite_install                               npm ci if node_modules/.bin/azurite is missing
#   azurite_start DATA_DIR BLOB QUEUE TABLE       start in background, sets AZURITE_PID, waits for ports
#   azurite_stop                                  SIGTERM, wait, SIGKILL; idempotent
#   azurite_connection_string BLOB QUEUE TABLE    echo the devstoreaccount1 connection string
#   free_port                                     echo a free TCP port on 127.0.0.1
#   port_in_use PORT                              true when something accepts TCP on 127.0.0.1:PORT
#
# Environment: AZURITE_START_TIMEOUT (seconds azurite_start waits for the ports, default 30); AZURITE_LOG (set by
# azurite_start to DATA_DIR.log, the emulator's output).
#
# The functions never call `exit`; they return non-zero and print to stderr,
# so they behave under `set -euo pipefail` in the caller as well as without it.

AZURITE_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_BIN="$AZURITE_REPO_ROOT/node_modules/.bin/azurite"
AZURITE_PID="${AZURITE_PID:-}"
AZURITE_LOG="${AZURITE_LOG:-}"

# Well-known, public development-storage account (documented by Microsoft; not a secret).
AZURITE_ACCOUNT_NAME="devstoreaccount1"
AZURITE_ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

_azurite_log() { printf 'azurite: %s\n' "$*" >&2; }

azurite_install() {
    if [[ -x "$AZURITE_BIN" ]]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        _azurite_log "npm not found; install Node.js 20+ and npm (e.g. apt-get install nodejs npm)"
        return 1
    fi
    _azurite_log "installing Azurite (npm ci) in $AZURITE_REPO_ROOT ..."
    (cd "$AZURITE_REPO_ROOT" && npm ci --no-audit --no-fund) >&2 || {
        _azurite_log "npm ci failed"
        return 1
    }
    if [[ ! -x "$AZURITE_BIN" ]]; then
        _azurite_log "npm ci succeeded but $AZURITE_BIN is missing"
        return 1
    fi
}

# port_in_use PORT: succeeds when something accepts a TCP connection on 127.0.0.1:PORT.
port_in_use() {
    local port="$1"
    # The connection is opened (and closed) in a subshell; loopback refuses at once.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

free_port() {
    local port
    if command -v python3 >/dev/null 2>&1 &&
        port="$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null)" && [[ "$port" =~ ^[0-9]+$ ]]; then
        echo "$port"
        return 0
    fi
    local i
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    _azurite_log "could not find a free port"
    return 1
}

azurite_connection_string() {
    local blob="${1:-10000}" queue="${2:-10001}" table="${3:-10002}"
    local acct="$AZURITE_ACCOUNT_NAME"
    printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/%s;QueueEndpoint=http://127.0.0.1:%s/%s;TableEndpoint=http://127.0.0.1:%s/%s;\n' \
        "$acct" "$AZURITE_ACCOUNT_KEY" "$blob" "$acct" "$queue" "$acct" "$table" "$acct"
}

azurite_start() {
    if [[ $# -ne 4 ]]; then
        _azurite_log "usage: azurite_start DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT"
        return 2
    fi
    local data_dir="$1" blob="$2" queue="$3" table="$4"

    if [[ -n "$AZURITE_PID" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
        _azurite_log "already running (pid $AZURITE_PID); call azurite_stop first"
        return 1
    fi
    AZURITE_PID=""
    if [[ ! -x "$AZURITE_BIN" ]]; then
        _azurite_log "$AZURITE_BIN not found; call azurite_install first"
        return 1
    fi

    local p
    for p in "$blob" "$queue" "$table"; do
        if port_in_use "$p"; then
            _azurite_log "port $p on 127.0.0.1 is already in use (another Azurite?); stop it or use other ports"
            return 1
        fi
    done

    mkdir -p "$data_dir" || return 1
    data_dir="$(cd "$data_dir" && pwd)"
    AZURITE_LOG="${data_dir%/}.log"
    : >"$AZURITE_LOG"

    # Own process group (set -m), so a Ctrl-C in the terminal reaches the calling
    # script only; the script then stops Azurite after whatever depends on it.
    # Stdin from /dev/null: a background job must not touch the terminal.
    local had_monitor=0
    [[ $- == *m* ]] && had_monitor=1
    set -m
    "$AZURITE_BIN" --silent --disableTelemetry --skipApiVersionCheck --loose \
        --location "$data_dir" \
        --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
        --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
        </dev/null >>"$AZURITE_LOG" 2>&1 &
    AZURITE_PID=$!
    ((had_monitor)) || set +m

    local deadline=$((SECONDS + ${AZURITE_START_TIMEOUT:-30}))
    while :; do
        if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
            _azurite_log "exited during start-up; last lines of $AZURITE_LOG:"
            tail -n 20 "$AZURITE_LOG" >&2
            AZURITE_PID=""
            return 1
        fi
        if port_in_use "$blob" && port_in_use "$table"; then
            break
        fi
        if ((SECONDS >= deadline)); then
            _azurite_log "blob port $blob / table port $table not listening after ${AZURITE_START_TIMEOUT:-30}s; log: $AZURITE_LOG"
            tail -n 20 "$AZURITE_LOG" >&2
            azurite_stop
            return 1
        fi
        sleep 0.2 || true
    done
    _azurite_log "started (pid $AZURITE_PID) blob=$blob queue=$queue table=$table data=$data_dir"
}

azurite_stop() {
    local pid="${AZURITE_PID:-}"
    [[ -n "$pid" ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 50; i++)); do # ~5 s
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1 || true # a Ctrl-C that kills this sleep must not abort the stop
        done
        if kill -0 "$pid" 2>/dev/null; then
            _azurite_log "pid $pid ignored SIGTERM for 5s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    # Reap it if it is our child (avoids a zombie and a "Terminated" notice).
    wait "$pid" 2>/dev/null || true
    AZURITE_PID=""
    return 0
}
