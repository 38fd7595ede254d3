#!/usr/bin/env bash
# Memory per idle SIP connection, issue 11: N connections (10,000) held open to the balancer's TCP (5060), WS (5082),
# TLS (5061) and WSS (5083) listeners, then to Kamailio's (5070-5073, bench/sip/kamailio-idle.cfg), one transport
# after another, each peer started afresh per transport. Every connection is past its handshake (TLS, WebSocket
# upgrade with Sec-WebSocket-Protocol: sip) and has sent one OPTIONS (bench/sip/idle_client.py).
#
# Per peer and transport: the growth of the peer's memory while the connections are open, per connection:
#   balancer: heap used after a full GC (jboss-cli platform-mbean gc + heap-memory-usage) and the JVM's VmRSS
#             (also read after that GC); the baseline is taken after WARM (500) connections of the same transport
#             were opened and closed, so class loading and JIT are not counted per connection
#   Kamailio: shared memory in use (kamcmd core.shmmem real_used; connections, TLS state and WebSocket state live
#             there) and the sum of its processes' PSS (its RSS with the shared memory pool counted once)
#
#   flock /tmp/wildfly.lock bench/sip/idle-memory.sh [connections]     default 10000
#   ROUNDS=3 PEERS="balancer kamailio" TRANSPORTS="tcp ws tls wss" WARM=500 BALANCER_JAVA_OPTS=...
#
# Needs: a built server (mvn -B -o install -DskipTests -pl dist -am, in the same flock), python3, openssl, kamailio with
# its tls and websocket modules (apt-get install kamailio kamailio-tls-modules kamailio-websocket-modules). Uses ports
# 5060-5083, 9990 and 2610 on loopback; the file-descriptor limit must allow N + 100 per process (ulimit -Hn).
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
WORK=$(mktemp -d /tmp/lb-bench-idle-mem.XXXXXX)
. "$HERE/tls-common.sh"
COUNT=${1:-10000}
ROUNDS=${ROUNDS:-1}
PEERS=${PEERS:-balancer kamailio}
TRANSPORTS=${TRANSPORTS:-tcp ws tls wss}
WARM=${WARM:-500}
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $(( COUNT + 100 )) ] || { echo "file-descriptor limit $(ulimit -n) too low for $COUNT connections"; exit 1; }
[[ " $PEERS " != *" balancer "* ]] || [ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -o install -DskipTests -pl dist -am"; exit 1; }
for tool in python3 openssl kamailio kamcmd; do command -v $tool > /dev/null || { echo "missing $tool"; exit 1; }; done
[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] && [ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so ] \
    || { echo "apt-get install kamailio-tls-modules kamailio-websocket-modules"; exit 1; }
if [ -n "${BALANCER_JAVA_OPTS:-}" ]; then export JAVA_OPTS=$BALANCER_JAVA_OPTS; fi

declare -A LB_PORT=([tcp]=5060 [ws]=5082 [tls]=5061 [wss]=5083) KAM_PORT=([tcp]=5070 [tls]=5071 [ws]=5072 [wss]=5073)
KAM_PIDS=

cleanup() {
    [ -n "${CLIENT_PID:-}" ] && kill "$CLIENT_PID" 2>/dev/null
    lb_stop
    kam_stop
    lb_drop_config
}
trap cleanup EXIT

kam_start() {
    sed "s|WORKDIR|$WORK|g" "$HERE/kamailio-idle.cfg" > "$WORK/kamailio-idle.cfg"
    kamailio -f "$WORK/kamailio-idle.cfg" -P "$WORK/kamailio.pid" -m 2048 -M 16 -E -DD > "$WORK/kamailio-$1.log" 2>&1 &
    for i in $(seq 1 50); do [ -S "$WORK/kamailio_ctl" ] && break; sleep 0.2; done
    sleep 1
    KAM_PIDS=$(pgrep -f "kamailio -f $WORK/kamailio-idle.cfg" | tr '\n' ' ')
    [ -n "$KAM_PIDS" ] || { echo "Kamailio did not start:"; tail -5 "$WORK/kamailio-$1.log"; return 1; }
}

kam_stop() {
    [ -n "${KAM_PIDS:-}" ] || return 0
    kill $KAM_PIDS 2>/dev/null
    # with 10,000 connections Kamailio takes a while to exit; the next one would refuse to start beside it
    for i in $(seq 1 300); do pgrep -f "kamailio -f $WORK/kamailio-idle.cfg" > /dev/null || break; sleep 0.2; done
    kill -9 $KAM_PIDS 2>/dev/null
    rm -f "$WORK/kamailio_ctl" "$WORK/kamailio.pid"
    KAM_PIDS=
}

# "heap-or-shm-kB rss-kB active-connections" of the running peer
measure() {
    case $1 in
        balancer)
            local out
            out=$($CLI --commands="/core-service=platform-mbean/type=memory:gc,/core-service=platform-mbean/type=memory:read-attribute(name=heap-memory-usage),/subsystem=load-balancer:read-attribute(name=sip-active-connections)" 2>&1)
            local heap=$(echo "$out" | awk '/"used"/ {gsub(/[^0-9]/, "", $3); print int($3 / 1024)}')
            local active=$(echo "$out" | awk -F'=> ' '/"result" => [0-9]/ {gsub(/[^0-9]/, "", $2); print $2}' | tail -1)
            echo "${heap:-0} $(rss_kb "$LB_PID") ${active:--}" ;;
        kamailio)
            local shm=$(kamcmd -s "unix:$WORK/kamailio_ctl" core.shmmem 2>/dev/null | awk '/real_used/ {print int($2 / 1024)}')
            echo "${shm:-0} $(pss_kb $KAM_PIDS) -" ;;
    esac
}

# opens N connections with idle_client.py and keeps them open until told; sets CLIENT_LINE
client_open() { # transport port count
    coproc CLIENT { exec python3 "$HERE/idle_client.py" "$1" "$2" "$3" 2>> "$WORK/client.err"; }
    CLIENT_LINE=
    read -r -t 900 -u "${CLIENT[0]}" CLIENT_LINE
}

client_close() {
    echo close >&"${CLIENT[1]}"
    local line; read -r -t 120 -u "${CLIENT[0]}" line
    wait "$CLIENT_PID" 2>/dev/null
    CLIENT_PID=
}

run_one() { # round peer transport
    local round=$1 peer=$2 transport=$3 port
    if [ "$peer" = balancer ]; then
        port=${LB_PORT[$transport]}
        lb_start "$WORK/server-$transport-$round.log" || { lb_stop; return 1; }
    else
        port=${KAM_PORT[$transport]}
        kam_start "$transport-$round" || { kam_stop; return 1; }
    fi
    client_open "$transport" "$port" "$WARM"; client_close
    sleep 2
    read -r heap0 rss0 active0 <<< "$(measure "$peer")"
    client_open "$transport" "$port" "$COUNT"
    read -r _ opened _ failed _ seconds protocol <<< "$CLIENT_LINE"
    [ "${protocol:--}" != - ] && echo "$peer $transport $protocol" >> "$WORK/protocols.txt"
    sleep 3
    read -r heap1 rss1 active1 <<< "$(measure "$peer")"
    client_close
    if [ "$peer" = balancer ]; then lb_stop; else kam_stop; fi
    awk -v r="$round" -v p="$peer" -v t="$transport" -v n="${opened:-0}" -v f="${failed:--}" -v s="${seconds:--}" \
        -v h0="$heap0" -v h1="$heap1" -v r0="$rss0" -v r1="$rss1" -v a="$active1" 'BEGIN {
        hp = n > 0 ? (h1 - h0) / n : 0; rp = n > 0 ? (r1 - r0) / n : 0
        printf "%-5s %-9s %-4s %6d %6s %8s %9.1f %9.1f %8.0f %8.0f %7s\n", r, p, t, n, f, s, hp, rp, h1 / 1024, r1 / 1024, a
        printf "%s %s %.2f %.2f\n", p, t, hp, rp >> "'"$WORK/figures.txt"'" }'
}

make_certs
[[ " $PEERS " != *" balancer "* ]] || lb_prepare_config || exit 1
echo "$COUNT idle connections per transport, $ROUNDS round(s); load average $(cut -d' ' -f1-3 /proc/loadavg); work files $WORK"
printf "%-5s %-9s %-4s %6s %6s %8s %9s %9s %8s %8s %7s\n" round peer tx open failed "open(s)" "heap kB/c" "RSS kB/c" "heap MB" "RSS MB" active
for round in $(seq 1 "$ROUNDS"); do
    for peer in $PEERS; do
        for transport in $TRANSPORTS; do
            run_one "$round" "$peer" "$transport" || echo "$round $peer $transport: failed to run (see $WORK)"
        done
    done
done
touch "$WORK/figures.txt"; echo
echo "median (min-max) per connection over $ROUNDS round(s); Kamailio: heap = shared memory in use, RSS = sum of PSS"
printf "%-9s %-4s %22s %22s\n" peer tx "heap kB/conn" "RSS kB/conn"
for peer in $PEERS; do
    for transport in $TRANSPORTS; do
        awk -v p="$peer" -v t="$transport" '$1 == p && $2 == t { h[++n] = $3; r[n] = $4 }
            function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
            END { if (!n) exit; hm = med(h, n); rm = med(r, n)
                printf "%-9s %-4s %8.1f (%5.1f-%5.1f) %8.1f (%5.1f-%5.1f)\n", p, t, hm, h[1], h[n], rm, r[1], r[n] }' "$WORK/figures.txt"
    done
done
[ -f "$WORK/protocols.txt" ] && sort "$WORK/protocols.txt" | uniq -c | sed 's/^/TLS version negotiated: /'
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
