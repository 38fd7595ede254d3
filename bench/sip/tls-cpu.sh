#!/usr/bin/env bash
# SIP over TLS with persistent connections, issue 11: a uac → peer → two uas nodes, every hop one TLS connection kept
# open (sipp's -t l1), sipp's built-in uac/uas call flow (INVITE with SDP, 100/180/200, ACK, BYE, 200; no pause).
# Peers, both up for the whole run and measured in turn, round by round:
#   balancer: the dist server, external TLS listener 5061 and internal TLS listener 5066 (Elytron server-ssl-context
#             over a generated key pair; backend-ssl-context unset, so the nodes' certificates are not checked), the
#             nodes registered by HTTP/JSON heartbeat with tlsPort only, call-id-affinity
#   Kamailio 5.6.3: tls module on 5081, dispatcher targets sip:127.0.0.1:519x;transport=tls, stateless forward()
#             (bench/sip/kamailio-tls.cfg), 2 TCP workers
# Load generator: bench/sip/SipTlsLoad.java (Debian's sipp has no TLS; see bench/README.md), one JVM per uac run
# and one per uas node, shared by both peers. Each uac run opens a new client connection to the peer (one TLS
# handshake per RATE × DURATION calls); the peers' connections to the nodes stay open across runs.
#
# Per peer and round: calls ok/failed, INVITE→200 p50/p99, and the peer's CPU (utime+stime from /proc; the
# balancer's whole JVM, JIT and GC included; all Kamailio processes) per 1000 successful calls; then per round the
# ratio balancer/Kamailio, and the median and spread over the rounds; the ratio is withheld, as run.sh does, when
# Kamailio's own figure varied by more than 15 % between rounds (max/min - 1).
#
#   flock /tmp/wildfly.lock bench/sip/tls-cpu.sh [rate]      default 200 calls/s
#   TRANSPORT=tcp: the same over plain TCP (balancer 5060 → nodes advertising tcpPort; Kamailio tcp:5084), to tell
#   what TLS adds from what the stream path costs
#   ROUNDS=3 DURATION=15 WARMUP=20 (seconds of warm-up at the same rate, per peer, before round 1)
#
# Needs: a built server (mvn -B -o install -DskipTests -pl dist -am, in the same flock), a JDK 17 (javac), openssl,
# curl, kamailio with kamailio-tls-modules. Uses ports 5061, 5066, 5081, 5191-5192, 5201 and up, 2610 and 9990.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
WORK=$(mktemp -d /tmp/lb-bench-tls-cpu.XXXXXX)
. "$HERE/tls-common.sh"
RATE=${1:-200}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-20}
TRANSPORT=${TRANSPORT:-tls}
case $TRANSPORT in tls) LB_PORT=5061 KAM_PORT=5081 ;; tcp) LB_PORT=5060 KAM_PORT=5084 ;; *) echo "TRANSPORT is tls or tcp"; exit 1 ;; esac
CLK_TCK=$(getconf CLK_TCK)
NODE_OPTS="-Xms256m -Xmx256m -XX:+UseSerialGC -Dtransport=$TRANSPORT"
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -o install -DskipTests -pl dist -am"; exit 1; }
for tool in javac java openssl curl kamailio; do command -v $tool > /dev/null || { echo "missing $tool"; exit 1; }; done
[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ] || { echo "apt-get install kamailio-tls-modules"; exit 1; }
if [ -n "${BALANCER_JAVA_OPTS:-}" ]; then export JAVA_OPTS=$BALANCER_JAVA_OPTS; fi

UAS_PIDS=
cleanup() {
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    [ -n "${KAM_PID:-}" ] && kill "$KAM_PID" 2>/dev/null
    [ -n "$UAS_PIDS" ] && kill $UAS_PIDS 2>/dev/null
    lb_stop
    lb_drop_config
}
trap cleanup EXIT

make_certs
javac -d "$WORK/classes" "$HERE/SipTlsLoad.java" || exit 1
LOCAL_PORT=5200

run() { # peer port round pids...
    local peer=$1 port=$2 round=$3; shift 3
    LOCAL_PORT=$(( LOCAL_PORT + 1 )) # a fresh client address per run: no TIME_WAIT in the way
    local seconds=$DURATION; [ "$round" = warmup ] && seconds=$WARMUP
    local before=$(cpu_ticks "$@")
    local out=$(java $NODE_OPTS -cp "$WORK/classes" SipTlsLoad uac "$port" "$LOCAL_PORT" "$RATE" $(( RATE * seconds )) 30 2>> "$WORK/uac.err")
    local after=$(cpu_ticks "$@")
    echo "$round $peer $out" >> "$WORK/uac.out"
    local ok=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<< "$out") failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<< "$out")
    local p50=$(sed -n 's/.*p50=\([^ ]*\).*/\1/p' <<< "$out") p99=$(sed -n 's/.*p99=\([^ ]*\).*/\1/p' <<< "$out")
    local cpu_ms=$(( (after - before) * 1000 / CLK_TCK ))
    local per_k=$(awk -v c="$cpu_ms" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1000 / n; else print "-" }')
    [ "$round" = warmup ] && return
    printf "%-6s %-9s %6s %8s %7s %9s %9s %10s\n" "$round" "$peer" "$RATE" "${ok:-0}" "${failed:-?}" "${p50:--}" "${p99:--}" "$per_k"
    echo "$round $peer $per_k" >> "$WORK/cpu.txt"
}

# --- the nodes, shared by both peers
for port in 5191 5192; do
    java $NODE_OPTS -cp "$WORK/classes" SipTlsLoad uas $port "$WORK/node.p12" secret > "$WORK/uas-$port.out" 2>&1 &
    UAS_PIDS="$UAS_PIDS $!"
done

# --- the balancer
lb_prepare_config && lb_start "$WORK/server.log" || exit 1
heartbeat_nodes "${TRANSPORT}Port" 9101:5191 9102:5192 & BEAT=$!

# --- Kamailio
printf "1 sip:127.0.0.1:5191;transport=$TRANSPORT\n1 sip:127.0.0.1:5192;transport=$TRANSPORT\n" > "$WORK/dispatcher.list"
sed "s|WORKDIR|$WORK|g; s|DISPATCHER_LIST|$WORK/dispatcher.list|" "$HERE/kamailio-tls.cfg" > "$WORK/kamailio-tls.cfg"
kamailio -f "$WORK/kamailio-tls.cfg" -P "$WORK/kamailio.pid" -m 256 -M 16 -E -DD > "$WORK/kamailio.log" 2>&1 &
KAM_PID=$!
sleep 2
KAM_PIDS=$(pgrep -f "kamailio -f $WORK/kamailio-tls.cfg" | tr '\n' ' ')
[ -n "$KAM_PIDS" ] || { echo "Kamailio did not start:"; tail -5 "$WORK/kamailio.log"; exit 1; }

echo "SIP over $TRANSPORT, persistent connections, $RATE calls/s for $DURATION s per round, $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# warm-up: the JIT of the balancer (and of the load generator's JVMs), Kamailio's connections to the nodes
run balancer $LB_PORT warmup "$LB_PID"
run kamailio $KAM_PORT warmup $KAM_PIDS
printf "%-6s %-9s %6s %8s %7s %9s %9s %10s\n" round peer cps ok failed "p50(ms)" "p99(ms)" "cpu-ms/1k"
for round in $(seq 1 "$ROUNDS"); do
    run balancer $LB_PORT "$round" "$LB_PID"
    run kamailio $KAM_PORT "$round" $KAM_PIDS
done
echo
awk '{ cpu[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END {
        for (i = 1; i <= n; i++) { r = order[i]; b[i] = cpu[r, "balancer"]; k[i] = cpu[r, "kamailio"]; q[i] = k[i] > 0 ? b[i] / k[i] : 0
            rounds = rounds sprintf("%s%.2f", i > 1 ? " / " : "", q[i]) }
        mb = med(b, n); mk = med(k, n); mq = med(q, n)
        printf "median (min-max): balancer %.0f (%.0f-%.0f) cpu-ms/1k, kamailio %.0f (%.0f-%.0f)\n", mb, b[1], b[n], mk, k[1], k[n]
        # as run.sh: a peer whose own figure moves more than 15 % between rounds says the machine was not quiet
        variation = (k[1] > 0) ? k[n] / k[1] - 1 : 1
        if (variation > 0.15)
            printf "ratio withheld: Kamailio varied %.0f%% between rounds (more than 15%%): not a quiet machine; per round %s\n", variation * 100, rounds
        else
            printf "ratio balancer/kamailio %.2f (%.2f-%.2f), per round %s; Kamailio varied %.0f%%\n", mq, q[1], q[n], rounds, variation * 100 }' "$WORK/cpu.txt"
sed -n 's/^[^ ]* \([^ ]*\) .*\(protocol=[^ ]*\) \(cipher=[^ ]*\).*/client connections to the \1: \2 \3/p' "$WORK/uac.out" | sort | uniq -c
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); work files: $WORK"
