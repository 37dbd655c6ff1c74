#!/usr/bin/env bash
# Runs every test of Switchboard (dotnet test Orleans.sln) on a fresh machine.
#
#   ./test.sh [extra dotnet test arguments...]     e.g. ./test.sh --filter Category=Deploy
#
# - installs Azurite (npm ci) if missing: the test fixtures start their own Azurite
#   from node_modules/.bin/azurite on free ports, so nothing is started here;
# - installs Debian's chromium (apt-get) if missing, for the browser tests (Playwright
#   drives it; SWITCHBOARD_CHROMIUM=/path/to/chromium uses that binary instead, and then nothing is installed);
# - installs kubectl (apt-get) if missing, for the deploy tests (kustomize rendering, no cluster);
# - restores, builds and runs the tests, writing TRX files to .data/test-results;
# - runs the deterministic simulation (scripts/simulate.sh, SIMULATION_SCHEDULES=2000 schedules, a random seed it
#   prints) and counts it as one test;
# - prints as its last line `tests: N passed, N failed, N skipped` (summed over all
#   TRX files) and exits non-zero on any failure, on a build failure, or when no
#   TRX file was produced.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

RESULTS_DIR=".data/test-results"

log() { printf 'test.sh: %s\n' "$*" >&2; }
summary() { printf 'tests: %d passed, %d failed, %d skipped\n' "$1" "$2" "$3"; }

# shellcheck source=scripts/azurite.sh
source scripts/azurite.sh

if ! command -v dotnet >/dev/null 2>&1; then
    log "dotnet (SDK 10) not found on PATH"
    summary 0 1 0
    exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! azurite_install; then
    log "could not install Azurite (npm ci)"
    summary 0 1 0
    exit 1
fi

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
if [[ -z "${SWITCHBOARD_CHROMIUM:-}" && ! -x /usr/bin/chromium ]]; then
    sudo=""
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo="sudo -n"
    fi
    log "installing Debian's chromium for the browser tests (apt-get) ..."
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }; then
        log "could not install chromium: the browser tests will fail (or set SWITCHBOARD_CHROMIUM)"
    fi
fi

# The deploy tests render deploy/k8s with kubectl (kustomize; no cluster is used).
if ! command -v kubectl >/dev/null 2>&1; then
    sudo=""
    if [[ "$(id -u)" -ne 0 ]]; then
        sudo="sudo -n"
    fi
    log "installing kubectl for the deploy tests (apt-get) ..."
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq kubectl >/dev/null; then
        log "could not install kubectl: the Kubernetes manifest tests will fail"
    fi
fi

if ! dotnet restore Orleans.sln; then
    log "dotnet restore failed"
    summary 0 1 0
    exit 1
fi

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# --disable-build-servers: leave no MSBuild node or compiler server running afterwards.
test_rc=0
dotnet test Orleans.sln --no-restore -c Debug --disable-build-servers \
    --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS_DIR" "$@" || test_rc=$?

# ---- the deterministic simulation: a few hundred schedules with a random seed it prints (scripts/simulate.sh) ----
# Counted as one test. Skipped when arguments pick tests (a filter).
sim_rc=""
if (($# == 0)); then
    sim_rc=0
    scripts/simulate.sh --schedules "${SIMULATION_SCHEDULES:-2000}" || sim_rc=$?
fi

# ---- summary from the TRX files ---------------------------------------------------
# Each TRX has one <ResultSummary><Counters total=".." executed=".." passed=".."
# failed=".." error=".." timeout=".." aborted=".." notExecuted=".." .../>.
# VSTest counts skipped tests in total and notExecuted but not in executed, so
# skipped = total - executed. Errors, timeouts and aborts count as failures.
# attr NAME: the numeric attribute NAME of $counters (0 when absent).
attr() {
    local v
    v="$(printf '%s' "$counters" | sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p")"
    echo "${v:-0}"
}

passed=0 failed=0 skipped=0 files=0 counters=""
shopt -s nullglob
for trx in "$RESULTS_DIR"/*.trx; do
    counters="$(tr '\n\r' '  ' <"$trx" | grep -o '<Counters [^>]*>' | head -n 1)"
    if [[ -z "$counters" ]]; then
        log "no <Counters> in $trx; counting it as a failure"
        failed=$((failed + 1))
        continue
    fi
    files=$((files + 1))
    total="$(attr total)"
    executed="$(attr executed)"
    passed=$((passed + $(attr passed)))
    failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
    if ((total >= executed)); then
        skipped=$((skipped + total - executed))
    fi
done
shopt -u nullglob

if [[ -n "$sim_rc" ]]; then
    if ((sim_rc == 0)); then
        passed=$((passed + 1))
    else
        log "the simulation found a violation (exit code $sim_rc): replay it with the command it printed"
        failed=$((failed + 1))
    fi
fi

rc=0
if ((files == 0)); then
    log "no TRX file in $RESULTS_DIR (build failure?); dotnet test exit code $test_rc"
    ((failed == 0)) && failed=1
    rc=1
elif ((test_rc != 0)); then
    log "dotnet test exit code $test_rc"
    # A non-zero exit with no failed test (e.g. a test host crash) is still a failure.
    ((failed == 0)) && failed=1
    rc=1
elif ((failed > 0)); then
    rc=1
elif ((passed == 0)); then
    log "warning: no test passed (none found or all skipped)"
fi

summary "$passed" "$failed" "$skipped"
exit "$rc"
