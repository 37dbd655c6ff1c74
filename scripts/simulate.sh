#!/usr/bin/env bash
# Deterministic simulation of the conversation and reply pipeline (src/Simulation): each schedule runs the grains'
# logic on a simulated silo, storage, Twilio and agents, injects faults between effects (crashes, collections, storage
# failures and hangs, Twilio's answers and callbacks, redeliveries, STOP/START and erasure mid-turn) and checks the
# guarantees. On a violation it prints the shortest failing schedule it found and the command that replays it.
#
#   scripts/simulate.sh [--seed N] [--schedules K]     default: a random seed (printed), 2000 schedules
#   scripts/simulate.sh --replay CODE [--trace]        one schedule again, optionally with every event it ran
#
# The last line is one JSON object: {"seed", "schedules", "violations", "faults": {kind: count injected}}.
# Exit code 0 when no schedule broke a guarantee.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! build="$(dotnet build src/Simulation -c Release --nologo -v q --disable-build-servers 2>&1)"; then
    printf '%s\n' "$build" >&2
    exit 2
fi
exec dotnet src/Simulation/bin/Release/net10.0/Switchboard.Simulation.dll "$@"
