#!/usr/bin/env bash
# SIP benchmark: sipp uac -> balancer -> two sipp uas nodes (registered by HTTP/JSON heartbeat), at rising call
# rates, then the same scenario through Kamailio's dispatcher (stateless forward() and stateful t_relay) in the
# same run. Prints, per peer and rate: calls/s attempted, successful and failed calls, p50/p99 INVITE->200 time,
# and the peer's CPU milliseconds per 1000 calls.
#
#   bench/sip/run.sh [rates...]        default: 200 500 1000
#   DURATION=20 bench/sip/run.sh       seconds per rate (default 15)
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), sipp (sip-tester), kamailio.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
RATES=("${@:-200 500 1000}")
RATES=(${RATES[@]})
DURATION=${DURATION:-15}
WORK=$(mktemp -d /tmp/lb-bench-sip.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)

for tool in sipp kamailio curl; do
    command -v $tool >/dev/null || { echo "missing $tool (apt-get install sip-tester kamailio curl)"; exit 1; }
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }

percentile() { # percentile P of the response times (ms) in a sipp rtt file
    awk -F';' -v p="$2" 'NR>1 && $2 != "" {print $2}' "$1" | sort -n | awk -v p="$2" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]}'
}

run_rate() { # peer-name target-port rate pids...
    local name=$1 port=$2 rate=$3; shift 3
    local calls=$(( rate * DURATION ))
    local dir=$WORK/$name-$rate; mkdir -p "$dir"
    local before=$(cpu_ticks "$@")
    ( cd "$dir" && timeout $(( DURATION * 3 + 30 )) sipp -sn uac 127.0.0.1:$port -i 127.0.0.1 -p 5170 -r "$rate" -m "$calls" -l $(( rate * 4 )) \
        -nostdin -timeout $(( DURATION * 2 + 20 ))s -timeout_error -trace_rtt -rtt_freq 1 -max_socket 1024 > uac.out 2>&1 )
    local after=$(cpu_ticks "$@")
    local ok=$(grep -E "Successful call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    local failed=$(grep -E "Failed call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    local rtt=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
    local cpu_ms=$(( (after - before) * 1000 / CLK_TCK ))
    local per_k=$(awk -v c="$cpu_ms" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1000 / n; else print "-" }')
    printf "%-22s %6s %8s %7s %9s %9s %12s\n" "$name" "$rate" "${ok:-0}" "${failed:-?}" "$( [ -n "$rtt" ] && percentile "$rtt" 50 || echo -)" "$( [ -n "$rtt" ] && percentile "$rtt" 99 || echo -)" "$per_k"
    echo "$name $rate $per_k" >> "$WORK/cpu.txt"
}

start_nodes() {
    ( cd "$WORK"; sipp -sn uas -i 127.0.0.1 -p 5191 -nostdin -bg > uas1.out 2>&1; sipp -sn uas -i 127.0.0.1 -p 5192 -nostdin -bg > uas2.out 2>&1 )
    sleep 0.5
}

stop_nodes() {
    pkill -f "sipp -sn uas -i 127.0.0.1 -p 519" 2>/dev/null
    for i in $(seq 1 50); do pgrep -f "sipp -sn uas -i 127.0.0.1 -p 519" > /dev/null || break; sleep 0.2; done
}

cleanup() {
    stop_nodes
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    [ -n "${KAM_PIDFILE:-}" ] && [ -f "$KAM_PIDFILE" ] && kill "$(cat "$KAM_PIDFILE")" 2>/dev/null
    "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
}
trap cleanup EXIT

printf "%-22s %6s %8s %7s %9s %9s %12s\n" "peer" "cps" "ok" "failed" "p50(ms)" "p99(ms)" "cpu-ms/1k"

# --- the balancer
LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$WORK/server.log" 2>&1 &
for i in $(seq 1 60); do grep -q "WFLYSRV0025" "$WORK/server.log" 2>/dev/null && break; sleep 1; done
LB_PID=$(pgrep -f "jboss-modules.jar.*$(basename "$(cd "$SERVER" && pwd)")" | head -1)
[ -z "$LB_PID" ] && LB_PID=$(pgrep -f "jboss-modules.jar" | head -1)
start_nodes
beat() {
    curl -s -X POST http://127.0.0.1:2610/ -d '{"start":{"hostName":"b1","ip":"127.0.0.1","udpPort":"5191","version":"1","sessionId":"9001"}}' > /dev/null
    curl -s -X POST http://127.0.0.1:2610/ -d '{"start":{"hostName":"b2","ip":"127.0.0.1","udpPort":"5192","version":"1","sessionId":"9002"}}' > /dev/null
    while true; do
        sleep 2
        curl -s -X POST http://127.0.0.1:2610/ -d '{"heartbeat":{"sessionId":9001}}' > /dev/null
        curl -s -X POST http://127.0.0.1:2610/ -d '{"heartbeat":{"sessionId":9002}}' > /dev/null
    done
}
beat & BEAT=$!
sleep 1
# warm the JIT before measuring, as a running balancer would be
run_rate "balancer-warmup" 5060 200 "$LB_PID" > /dev/null
for rate in "${RATES[@]}"; do run_rate "balancer" 5060 "$rate" "$LB_PID"; done
kill $BEAT; BEAT=
"$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
for i in $(seq 1 50); do kill -0 "$LB_PID" 2>/dev/null || break; sleep 0.2; done
stop_nodes

# --- Kamailio, stateless and stateful
echo "1 sip:127.0.0.1:5191" > "$WORK/dispatcher.list"
echo "1 sip:127.0.0.1:5192" >> "$WORK/dispatcher.list"
sed "s|DISPATCHER_LIST|$WORK/dispatcher.list|" "$HERE/kamailio.cfg" > "$WORK/kamailio.cfg"
for mode in stateless stateful; do
    start_nodes
    KAM_PIDFILE=$WORK/kamailio-$mode.pid
    defines=""; [ $mode = stateful ] && defines="-A STATEFUL"
    kamailio -f "$WORK/kamailio.cfg" $defines -P "$KAM_PIDFILE" -m 256 -M 16 -E -DD > "$WORK/kamailio-$mode.log" 2>&1 &
    sleep 2
    KAM_PIDS=$(pgrep -f "kamailio -f $WORK/kamailio.cfg" | tr '\n' ' ')
    run_rate "kamailio-$mode-warmup" 5080 200 $KAM_PIDS > /dev/null
    for rate in "${RATES[@]}"; do run_rate "kamailio-$mode" 5080 "$rate" $KAM_PIDS; done
    pkill -f "kamailio -f $WORK/kamailio.cfg"
    # the next instance binds the same port: wait until this one is gone
    for i in $(seq 1 50); do pgrep -f "kamailio -f $WORK/kamailio.cfg" > /dev/null || break; sleep 0.2; done
    stop_nodes
done
# the figure the issue asks for: the balancer's CPU per call over each Kamailio mode's, rate by rate
echo
for rate in "${RATES[@]}"; do
    awk -v r="$rate" '$2 == r { cpu[$1] = $3 } END {
        b = cpu["balancer"]; s = cpu["kamailio-stateless"]; f = cpu["kamailio-stateful"];
        printf "ratio at %5s calls/s: balancer/kamailio-stateless = %s, balancer/kamailio-stateful = %s\n", r,
            (s > 0 && b != "") ? sprintf("%.2f", b / s) : "-", (f > 0 && b != "") ? sprintf("%.2f", b / f) : "-" }' "$WORK/cpu.txt"
done
echo "work files: $WORK"
