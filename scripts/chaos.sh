#!/usr/bin/env bash
# Chaos run: a cluster under steady load while a fault is injected every T seconds; the load tool counts per
# MessageSid what was acknowledged, answered, lost, doubled or reordered, and this script says how long each fault
# made the webhook refuse, and whom. Loopback only: Azurite, deploy/local-cluster.sh (N silos, a front end) and the
# load tool's fake Twilio.
#
#   scripts/chaos.sh [--fault kill|term|pause|storage] [--mode Durable|OneWay] [--silos 3] [--senders 60]
#                    [--rate 20/s] [--duration 90] [--kill-every 20] [--reply-timeout 120]
#
# Faults, each every --kill-every seconds:
#   kill     SIGKILL a random silo (a crashed machine); the cluster script starts it again, as an orchestrator would;
#   term     SIGTERM a random silo (a graceful stop: a rolling update, a drained node); started again likewise;
#   pause    SIGSTOP a random silo for 30 s, then SIGCONT (a VM frozen or a GC gone wrong: declared dead while alive);
#   storage  stop Azurite for 20 s, then start it again on its data (a storage outage).
# Writes the load tool's report (report.json/.md/.html) and faults.tsv to .data/chaos/<mode>-<fault>/ and the
# cluster's logs to .data/cluster/; prints the tool's summary, per fault how long and for how many senders the webhook
# refused, and a last line of counts per MessageSid. Twilio's redelivery of refused webhooks (connection overrides) is
# played by the tool's --retry-5xx; a message refused even then is "not acked" (Twilio gave up on it; the sender can
# resend), which is the price of Durable during a failover, not a failure of the run. Exit code 0 when no acknowledged
# message was lost, doubled or reordered, else 1. Results: docs/operations.md, "Chaos run results".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=azurite.sh
source scripts/azurite.sh

fault=kill mode=Durable silos=3 senders=60 rate=20/s duration=90 kill_every=20 reply_timeout=120
while (($#)); do
    case "$1" in
    --fault) fault="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --silos) silos="$2"; shift 2 ;;
    --senders) senders="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --kill-every) kill_every="$2"; shift 2 ;;
    --reply-timeout) reply_timeout="$2"; shift 2 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$fault" in
kill | term | pause | storage) ;;
*) echo "chaos.sh: --fault is kill, term, pause or storage, not '$fault'" >&2; exit 2 ;;
esac

log() { printf 'chaos.sh: %s\n' "$*" >&2; }

front_port=5600
fake_port=5699
report=".data/chaos/$mode-$fault"
rm -rf "$report"
mkdir -p "$report"
dotnet build src/LoadTest -c Release --nologo -v q --disable-build-servers >/dev/null

# Storage is this script's own (the storage fault stops and starts it), on free ports, fresh: leftovers of an earlier
# run would resume and compete with this one.
azurite_install
azurite_data=".data/chaos/azurite"
rm -rf "$azurite_data"
azurite_ports=("$(free_port)" "$(free_port)" "$(free_port)")
azurite_start "$azurite_data" "${azurite_ports[@]}"

# Every process of the cluster inherits these: storage, replies to the load tool's fake Twilio; sub-minute reminders
# (Development) so that work a dead silo held is picked up within seconds of the failover.
export ConnectionStrings__AzureStorage
ConnectionStrings__AzureStorage="$(azurite_connection_string "${azurite_ports[@]}")"
export Webhook__AckMode="$mode" Twilio__Enabled=true Twilio__ApiBaseUrl="http://127.0.0.1:$fake_port"
export Conversation__ReminderPeriod=00:00:05 Outbound__ReminderPeriod=00:00:05 Logging__LogLevel__Default=Warning
export Orleans__ClusterId="chaos-$mode-$$"

cluster_pid=""
paused_pid=""
stop_all() {
    set +e
    [[ -n "$paused_pid" ]] && kill -CONT "$paused_pid" 2>/dev/null
    if [[ -n "$cluster_pid" ]] && kill -0 "$cluster_pid" 2>/dev/null; then
        kill -TERM "$cluster_pid"
        wait "$cluster_pid"
    fi
    cluster_pid=""
    azurite_stop
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT TERM

deploy/local-cluster.sh --silos "$silos" --restart-dead --urls "http://127.0.0.1:$front_port" >"$report/cluster.log" 2>&1 &
cluster_pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$front_port/health"; do
    kill -0 "$cluster_pid" 2>/dev/null || { log "the cluster did not start; see $report/cluster.log"; exit 1; }
    sleep 1
done
log "cluster of $silos silos up ($mode); load: $senders senders at $rate for ${duration}s, fault '$fault' every ${kill_every}s"

dotnet src/LoadTest/bin/Release/net10.0/Switchboard.LoadTest.dll run --url "http://127.0.0.1:$front_port" \
    --auth-token switchboard-dev-auth-token --senders "$senders" --messages 100000 --concurrency 64 --rate "$rate" \
    --duration "${duration}s" --expect-replies --twilio-fake-port "$fake_port" --reply-timeout "${reply_timeout}s" \
    --retry-5xx 5 --report "$report" &
load_pid=$!

now_ms() { date +%s%3N; }

# inject: one fault; its start goes to faults.tsv (epoch ms, fault, target) for the refusal analysis below.
inject() {
    local victim pid
    victim=$((RANDOM % silos + 1))
    pid="$(cat ".data/cluster/silo-$victim.pid")"
    case "$fault" in
    kill | term)
        local signal=KILL
        [[ "$fault" == term ]] && signal=TERM
        printf '%s\t%s\tsilo-%s\n' "$(now_ms)" "$fault" "$victim" >>"$report/faults.tsv"
        kill "-$signal" "$pid" 2>/dev/null && log "t=$((SECONDS - started))s SIG$signal silo $victim (pid $pid)"
        ;;
    pause)
        printf '%s\t%s\tsilo-%s\n' "$(now_ms)" "$fault" "$victim" >>"$report/faults.tsv"
        kill -STOP "$pid" && paused_pid="$pid" && log "t=$((SECONDS - started))s SIGSTOP silo $victim (pid $pid) for 30 s"
        sleep 30
        kill -CONT "$pid" 2>/dev/null && log "t=$((SECONDS - started))s SIGCONT silo $victim"
        paused_pid=""
        ;;
    storage)
        printf '%s\t%s\tazurite\n' "$(now_ms)" "$fault" >>"$report/faults.tsv"
        azurite_stop && log "t=$((SECONDS - started))s Azurite stopped for 20 s"
        sleep 20
        azurite_start "$azurite_data" "${azurite_ports[@]}" && log "t=$((SECONDS - started))s Azurite started again"
        ;;
    esac
}

: >"$report/faults.tsv"
started=$SECONDS
faults=0
while kill -0 "$load_pid" 2>/dev/null && ((SECONDS - started < duration - kill_every / 2)); do
    sleep "$kill_every"
    ((SECONDS - started < duration)) || break
    inject
    faults=$((faults + 1))
done

rc=0
wait "$load_pid" || rc=$?
log "$faults fault(s) injected; load tool exit code $rc (see its checks above); report in $report/"
python3 - "$report/report.json" "$report/faults.tsv" "$senders" <<'EOF'
import json, re, sys
from datetime import datetime
result = json.load(open(sys.argv[1]))
faults = [line.split("\t") for line in open(sys.argv[2]).read().splitlines()]
senders = int(sys.argv[3])
def ms(at):  # report.json times are ISO 8601 with an offset and up to 7 fractional digits
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", at)).timestamp() * 1000
refusals = sorted((ms(r["at"]), r["sender"], r["status"]) for r in result.get("refusals", []))
starts = [int(f[0]) for f in faults] + [float("inf")]
before = [r for r in refusals if r[0] < starts[0]]
print(f"refusals before the first fault: {len(before)}")
for i, (start, kind, target) in enumerate(faults):
    start = int(start)
    window = [r for r in refusals if start <= r[0] < starts[i + 1]]
    if window:
        who = len({r[1] for r in window})
        statuses = ", ".join(f"{s or 'no answer'} x{sum(1 for r in window if r[2] == s)}" for s in sorted({r[2] for r in window}))
        print(f"fault {i + 1} ({kind} {target}): {len(window)} refusals ({statuses}) of {who} of {senders} senders, "
              f"from +{(window[0][0] - start) / 1000:.1f} s to +{(window[-1][0] - start) / 1000:.1f} s")
    else:
        print(f"fault {i + 1} ({kind} {target}): no refusals")
a = result["accounting"]
print("sent {sent}  acked {acked}  not acked {notAcked}  replies {replies}  lost {lost}  duplicates {duplicates}  "
      "out of order {outOfOrder}  unmatched {unmatched}".format(**a))
sys.exit(1 if a["lost"] or a["duplicates"] or a["outOfOrder"] else 0)
EOF
