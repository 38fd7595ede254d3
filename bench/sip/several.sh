#!/usr/bin/env bash
# Several balancers as one (issue 13): what the shared cache costs. Two copies of the load-balancer-ha server
# (testsuite/target/wildfly-ha) at port offsets 700 and 750 form one JGroups cluster on loopback (tcp stack,
# TCPPING, tcp_nodelay, as the README says); two sipp uas nodes heartbeat to both. Round by round, in one run:
#
#   one  sipp uac at RATE -> balancer a with header-consistent-hash (stateless, no cache)   -> the two nodes
#   split two sipp uac at RATE/2 each -> balancers a and b with header-consistent-hash, no cache: what a second
#        balancer costs by itself
#   two  two sipp uac at RATE/2 each -> balancers a and b with persistent-consistent-hash on the replicated
#        cache load-balancer/lb (every new Call-ID is one synchronous cluster write)         -> the same nodes
#
# Prints per round and configuration: calls ok and failed, p50/p99 INVITE->200 (sipp's rtt, 1 ms resolution), the
# balancers' CPU (utime+stime of both JVMs for "two", of a for "one") per 1000 calls; then the medians, spreads and
# the ratios the issue asks for (two/one CPU, added p99).
#
#   bench/sip/several.sh                 RATE=1000 DURATION=15 ROUNDS=3
#   SCALE="1000 2000 3000" bench/sip/several.sh   also: the highest of these rates each configuration carries with
#                                                 0 failed calls (one sipp per balancer for "two")
#
# Needs: mvn -B -ntp install -DskipTests (builds testsuite/target/wildfly-ha), sipp (sip-tester), curl.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../testsuite/target/wildfly-ha
RATE=${RATE:-1000}
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-}
CONFIGS=${CONFIGS:-one split two}
OFFSETS=(700 750)
WORK=$(mktemp -d /tmp/lb-bench-several.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)

for tool in sipp curl; do
    command -v $tool >/dev/null || { echo "missing $tool (apt-get install sip-tester curl)"; exit 1; }
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the HA server first: mvn -B -ntp install -DskipTests"; exit 1; }

cli() { # balancer-index command...
    local i=$1; shift
    "$SERVER/bin/jboss-cli.sh" -c --controller=127.0.0.1:$(( 9990 + OFFSETS[i] )) "$@"
}

PIDS=()
start_balancer() { # index
    local i=$1 dir=$WORK/lb$1
    cp -r "$SERVER/standalone" "$dir"
    LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" -Djboss.server.base.dir="$dir" -Djboss.node.name=lb$i \
        -Djboss.socket.binding.port-offset=${OFFSETS[i]} -Djboss.load-balancer-node.balancers=127.0.0.1:1 > "$WORK/lb$i.out" 2>&1 &
    wait_for "$WORK/lb$i.out" WFLYSRV0025 90 || exit 1
    PIDS[i]=$(pgrep -f "jboss.server.base.dir=$dir" | while read -r p; do grep -q jboss-modules /proc/$p/cmdline 2>/dev/null && echo $p; done | head -1)
    cli $i --commands="batch,\
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=lb0-jgroups:add(host=127.0.0.1, port=$(( 7600 + OFFSETS[0] ))),\
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=lb1-jgroups:add(host=127.0.0.1, port=$(( 7600 + OFFSETS[1] ))),\
/subsystem=jgroups/stack=tcp/protocol=MPING:remove,\
/subsystem=jgroups/stack=tcp/protocol=TCPPING:add(add-index=1, socket-bindings=[lb0-jgroups, lb1-jgroups]),\
/subsystem=jgroups/stack=tcp/transport=TCP:write-attribute(name=properties, value={tcp_nodelay=true}),\
/subsystem=jgroups/channel=balancers:write-attribute(name=stack, value=tcp),\
run-batch,:reload" > "$WORK/lb$i-cli.out" 2>&1
    for _ in $(seq 1 60); do cli $i --command=":read-attribute(name=server-state)" 2>/dev/null | grep -q '"running"' && break; sleep 1; done
    PIDS[i]=$(pgrep -f "jboss.server.base.dir=$dir" | while read -r p; do grep -q jboss-modules /proc/$p/cmdline 2>/dev/null && echo $p; done | head -1)
}

use_algorithm() { # index algorithm [attributes]
    local i=$1 algorithm=$2 attributes=${3:-}
    local current
    current=$(cli $i --command="/subsystem=load-balancer:read-children-names(child-type=algorithm)" | grep -o '"[a-z-]*"' | grep -v -E '"(outcome|success|result)"' | tr -d '"' | head -1)
    cli $i --commands="batch,/subsystem=load-balancer/algorithm=$current:remove,/subsystem=load-balancer/algorithm=$algorithm:add($attributes),run-batch --headers={allow-resource-service-restart=true}" > /dev/null
}

await_view() { # index members
    for _ in $(seq 1 70); do
        cli $1 --command="/subsystem=jgroups/channel=balancers:read-attribute(name=view)" 2>/dev/null | grep -q "($2)" && return 0
        sleep 0.5
    done
    echo "balancer $1: no view of $2"; return 1
}

configure() { # one | split | two
    if [ "$1" = one ]; then
        use_algorithm 0 header-consistent-hash
    elif [ "$1" = split ]; then
        use_algorithm 0 header-consistent-hash
        use_algorithm 1 header-consistent-hash
    else
        use_algorithm 0 persistent-consistent-hash "cache-container=load-balancer, cache=lb"
        await_view 0 '[12]'
        use_algorithm 1 persistent-consistent-hash "cache-container=load-balancer, cache=lb"
        await_view 0 2 && await_view 1 2
    fi
}

percentile() { # percentile P of the response times (ms) in the given sipp rtt files
    local p=$1; shift
    awk -F';' 'FNR>1 && $2 != "" {print $2}' "$@" | sort -n | awk -v p="$p" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]}'
}

sipp_count() { # file "Successful call" | "Failed call"
    grep -E "$2" "$1" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}'
}

run() { # label config rate -> prints a row, appends "label config rate ok failed p99 cpu-per-1k" to results
    local label=$1 config=$2 rate=$3
    local dir=$WORK/$label-$config-$rate; mkdir -p "$dir"
    local targets pids
    if [ "$config" = one ]; then targets=($(( 5060 + OFFSETS[0] ))); pids="${PIDS[0]}"; else targets=($(( 5060 + OFFSETS[0] )) $(( 5060 + OFFSETS[1] ))); pids="${PIDS[0]} ${PIDS[1]}"; fi
    local share=$(( rate / ${#targets[@]} ))
    local before=$(cpu_ticks $pids) k=0 port clients=()
    for port in "${targets[@]}"; do
        mkdir -p "$dir/$k"
        ( cd "$dir/$k" && timeout $(( DURATION * 3 + 30 )) sipp -sn uac 127.0.0.1:$port -i 127.0.0.1 -p $(( 5170 + k )) -r "$share" -m $(( share * DURATION )) \
            -l $(( share * 4 )) -nostdin -timeout $(( DURATION * 2 + 20 ))s -timeout_error -trace_rtt -rtt_freq 1 -max_socket 1024 > uac.out 2>&1 ) &
        clients+=($!)
        k=$(( k + 1 ))
    done
    wait "${clients[@]}"
    local after=$(cpu_ticks $pids)
    local ok=0 failed=0 f
    for f in "$dir"/*/uac.out; do
        ok=$(( ok + $(sipp_count "$f" "Successful call" || echo 0) ))
        failed=$(( failed + $(sipp_count "$f" "Failed call" || echo 0) ))
    done
    local rtts=$(ls "$dir"/*/*_rtt.csv 2>/dev/null)
    local p50=$( [ -n "$rtts" ] && percentile 50 $rtts || echo -) p99=$( [ -n "$rtts" ] && percentile 99 $rtts || echo -)
    local per_k=$(awk -v c="$(( (after - before) * 1000 / CLK_TCK ))" -v n="$ok" 'BEGIN { if (n > 0) printf "%.0f", c * 1000 / n; else print "-" }')
    printf "%-8s %-4s %6s %8s %7s %9s %9s %12s\n" "$label" "$config" "$rate" "$ok" "$failed" "$p50" "$p99" "$per_k"
    echo "$label $config $rate $ok $failed $p99 $per_k" >> "$WORK/results.txt"
}

cleanup() {
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    pkill -f "sipp -sn uas -i 127.0.0.1 -p 519" 2>/dev/null
    for i in 0 1; do cli $i --command=":shutdown" > /dev/null 2>&1; done
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_balancer 0
start_balancer 1
( cd "$WORK"; sipp -sn uas -i 127.0.0.1 -p 5191 -nostdin -bg > uas1.out 2>&1; sipp -sn uas -i 127.0.0.1 -p 5192 -nostdin -bg > uas2.out 2>&1 )
beat() {
    local hb
    for hb in $(( 2610 + OFFSETS[0] )) $(( 2610 + OFFSETS[1] )); do
        curl -s -X POST http://127.0.0.1:$hb/ -d '{"start":{"hostName":"b1","ip":"127.0.0.1","udpPort":"5191","version":"1","sessionId":"9001"}}' > /dev/null
        curl -s -X POST http://127.0.0.1:$hb/ -d '{"start":{"hostName":"b2","ip":"127.0.0.1","udpPort":"5192","version":"1","sessionId":"9002"}}' > /dev/null
    done
    while true; do
        sleep 2
        for hb in $(( 2610 + OFFSETS[0] )) $(( 2610 + OFFSETS[1] )); do
            curl -s -X POST http://127.0.0.1:$hb/ -d '{"heartbeat":{"sessionId":9001}}' > /dev/null
            curl -s -X POST http://127.0.0.1:$hb/ -d '{"heartbeat":{"sessionId":9002}}' > /dev/null
        done
    done
}
beat & BEAT=$!
sleep 2

printf "%-8s %-4s %6s %8s %7s %9s %9s %12s\n" "round" "conf" "cps" "ok" "failed" "p50(ms)" "p99(ms)" "cpu-ms/1k"
for config in $CONFIGS; do configure $config; run warmup $config "$RATE" > /dev/null; done
for round in $(seq 1 "$ROUNDS"); do
    for config in $CONFIGS; do configure $config; run "r$round" $config "$RATE"; done
done
if [ -n "$SCALE" ]; then
    for config in one two; do
        configure $config
        for rate in $SCALE; do run scale $config "$rate"; done
    done
fi

echo
awk -v rounds="$ROUNDS" '$1 ~ /^r[0-9]+$/ { cpu[$2] = cpu[$2] " " $7; p99[$2] = p99[$2] " " $6; failed[$2] += $5 }
    function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
        return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    function spread(list,   n, v, i, lo, hi) { n = split(list, v, " "); lo = v[1]; hi = v[1]; for (i = 2; i <= n; i++) { if (v[i] + 0 < lo + 0) lo = v[i]; if (v[i] + 0 > hi + 0) hi = v[i] } return lo "-" hi }
    END {
        for (c in cpu) printf "%-4s cpu-ms/1k median %s (rounds%s, spread %s), p99 median %s ms (rounds%s), failed calls %d\n", c, median(cpu[c]), cpu[c], spread(cpu[c]), median(p99[c]), p99[c], failed[c]
        printf "two balancers with the shared cache / one stateless: CPU per call %.2fx (goal <= 1.3), p99 added %.2f ms (goal <= 1)\n",
            median(cpu["two"]) / median(cpu["one"]), median(p99["two"]) - median(p99["one"])
        if (cpu["split"] != "") printf "of which a second balancer without a cache (split / one) %.2fx, the shared cache (two / split) %.2fx\n",
            median(cpu["split"]) / median(cpu["one"]), median(cpu["two"]) / median(cpu["split"])
    }' "$WORK/results.txt"
if [ -n "$SCALE" ]; then
    awk '$1 == "scale" && $5 == 0 && $3 > best[$2] { best[$2] = $3 } END {
        printf "highest rate with 0 failed calls: one %s calls/s, two %s calls/s (%.2fx)\n", best["one"], best["two"], (best["one"] > 0) ? best["two"] / best["one"] : 0 }' "$WORK/results.txt"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); work files: $WORK"
