#!/usr/bin/env bash
# A node dies under load: sipp uac -> the dist server -> two sipp uas nodes (registered by HTTP/JSON heartbeat),
# RATE calls/s of 2-second calls for DURATION seconds; at KILL_AT seconds node 1 is killed (kill -9, its heartbeats
# stop with it) or, with MODE=silent, frozen (SIGSTOP) while its heartbeats go on. Prints failed calls and when the
# balancer marked the node unreachable, over UDP and TCP (kill) or UDP (silent). Defaults of the model apply:
# node-response-timeout 1000 ms, no probes.
#
#   bench/sip/node-death.sh            RATE=200 DURATION=60 KILL_AT=20 MODE=kill|silent TRANSPORTS="udp tcp"
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), sipp (sip-tester), curl. Loopback only.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
SERVER=$HERE/../../dist/target/server
RATE=${RATE:-200}
DURATION=${DURATION:-60}
KILL_AT=${KILL_AT:-20}
MODE=${MODE:-kill}
TRANSPORTS=${TRANSPORTS:-$([ "$MODE" = kill ] && echo "udp tcp" || echo udp)}
WORK=$(mktemp -d /tmp/lb-bench-death.XXXXXX)
for tool in sipp curl; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }

BEATS=()
NODES=()
stop_all() {
    for pid in "${BEATS[@]}" "${NODES[@]}"; do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
    BEATS=(); NODES=()
}
cleanup() { stop_all; "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1; }
trap cleanup EXIT

LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$WORK/server.log" 2>&1 &
for i in $(seq 1 60); do grep -q "WFLYSRV0025" "$WORK/server.log" 2>/dev/null && break; sleep 1; done

beat() { # name transport port session
    local key=$([ "$2" = tcp ] && echo tcpPort || echo udpPort)
    curl -s -X POST http://127.0.0.1:2610/ -d "{\"start\":{\"hostName\":\"$1\",\"ip\":\"127.0.0.1\",\"$key\":\"$3\",\"version\":\"1\",\"sessionId\":\"$4\"}}" > /dev/null
    while true; do sleep 1; curl -s -X POST http://127.0.0.1:2610/ -d "{\"heartbeat\":{\"sessionId\":$4}}" > /dev/null; done
}

printf "%-6s %-7s %6s %8s %7s %s\n" "mode" "transport" "cps" "ok" "failed" "marked unreachable after"
round=0
for transport in $TRANSPORTS; do
    round=$((round + 1))
    flag=$([ "$transport" = tcp ] && echo "-t t1" || echo "-t u1")
    for n in 1 2; do
        port=$((5190 + 10 * round + n))
        ( cd "$WORK" && exec sipp -sn uas -i 127.0.0.1 -p $port $flag -nostdin > uas-$transport-$n.out 2>&1 ) &
        NODES+=($!)
        beat "node$n-$transport" "$transport" $port $((9000 + 10 * round + n)) &
        BEATS+=($!)
    done
    sleep 2
    calls=$((RATE * DURATION))
    ( cd "$WORK" && timeout $((DURATION + 60)) sipp -sn uac 127.0.0.1:5060 -i 127.0.0.1 -p 5170 $flag -r "$RATE" -d 2000 -m "$calls" -l $((RATE * 10)) \
        -recv_timeout 8000 -nostdin -timeout $((DURATION + 40))s -trace_stat -fd 1 > uac-$transport.out 2>&1 ) &
    UAC=$!
    sleep "$KILL_AT"
    mark=$(grep -c "RLB0063" "$SERVER/standalone/log/server.log" 2>/dev/null)
    started=$(date +%s%N)
    if [ "$MODE" = kill ]; then
        kill -9 "${NODES[0]}"; kill "${BEATS[0]}"
    else
        kill -STOP "${NODES[0]}"
    fi
    detected=""
    for i in $(seq 1 200); do
        if [ "$(grep -c "RLB0063" "$SERVER/standalone/log/server.log" 2>/dev/null)" -gt "$mark" ]; then
            detected="$(( ($(date +%s%N) - started) / 1000000 )) ms"; break
        fi
        sleep 0.05
    done
    wait $UAC
    ok=$(grep -E "Successful call" "$WORK/uac-$transport.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    failed=$(grep -E "Failed call" "$WORK/uac-$transport.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    printf "%-6s %-7s %6s %8s %7s %s\n" "$MODE" "$transport" "$RATE" "${ok:-?}" "${failed:-?}" "${detected:-not within 10 s}"
    stop_all
    sleep 3
done
echo "work files: $WORK"
