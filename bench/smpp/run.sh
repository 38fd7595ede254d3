#!/usr/bin/env bash
# SMPP benchmark: a Cloudhopper load client (BINDS transceiver binds, WINDOW submit_sm in flight each) against a
# Cloudhopper SMSC sink, first directly, then through the balancer (the dist server, remote-servers = the sink), in
# one run. Two series per path: "submit" (submit_sm + submit_sm_resp) and "receipts" (the same plus a delivery
# receipt deliver_sm per message, relayed back to the submitting bind). Prints msgs, msg/s, p50/p99 response time,
# and each JVM's CPU-µs per message (utime+stime from /proc over the measured series), then the ratios.
#
#   bench/smpp/run.sh
#   DURATION=20 WARMUP=10 BINDS=10 WINDOW=50 bench/smpp/run.sh
#   BALANCER_JAVA_OPTS="... -XX:StartFlightRecording=..." bench/smpp/run.sh   # JAVA_OPTS of the server
#
# Needs: a built server (mvn -B -o install -DskipTests -pl dist -am), ports 2776 and SINK_PORT free.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
BINDS=${BINDS:-10}
WINDOW=${WINDOW:-50}
LB_WINDOW=${LB_WINDOW:-100}
SINK_PORT=${SINK_PORT:-12775}
LB_PORT=2776
PEER_OPTS=${PEER_OPTS:--Xms256m -Xmx256m}
WORK=$(mktemp -d /tmp/lb-bench-smpp.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
SINK_PID=
LB_PID=

[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -o install -DskipTests -pl dist -am"; exit 1; }
mvn -q -o -f "$HERE/pom.xml" package || { echo "building bench/smpp failed"; exit 1; }
CP="$HERE/target/smpp-bench-1.0-SNAPSHOT.jar:$HERE/target/lib/*"

stop_server() {
    [ -n "$LB_PID" ] || return 0
    "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
    for i in $(seq 1 100); do kill -0 "$LB_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$LB_PID" 2>/dev/null
    LB_PID=
}

cleanup() {
    stop_server
    if [ -n "$SINK_PID" ]; then
        kill "$SINK_PID" 2>/dev/null
        for i in $(seq 1 50); do kill -0 "$SINK_PID" 2>/dev/null || break; sleep 0.2; done
    fi
}
trap cleanup EXIT

load() { # path port pids...
    local path=$1 port=$2; shift 2
    java $PEER_OPTS -cp "$CP" org.restcomm.lb.bench.smpp.LoadClient 127.0.0.1 "$port" "$path" "$BINDS" "$WINDOW" "$WARMUP" "$DURATION" "$CLK_TCK" "$@" \
        > "$WORK/client-$path.out" 2>&1
    grep '^RESULT' "$WORK/client-$path.out" >> "$WORK/results.txt" || { echo "client through $path failed:"; cat "$WORK/client-$path.out"; }
}

# --- the sink, and the client straight at it
java $PEER_OPTS -cp "$CP" org.restcomm.lb.bench.smpp.SmscSink "$SINK_PORT" > "$WORK/sink.out" 2>&1 &
SINK_PID=$!
wait_for "$WORK/sink.out" "listening" 30 || exit 1
load direct "$SINK_PORT" sink=$SINK_PID

# --- the balancer in front of the same sink; --read-only-server-config keeps standalone.xml as built
JBOSS_PIDFILE=$WORK/server.pid LAUNCH_JBOSS_IN_BACKGROUND=1 JAVA_OPTS=${BALANCER_JAVA_OPTS:-} \
    "$SERVER/bin/standalone.sh" --read-only-server-config=standalone.xml > "$WORK/server.log" 2>&1 &
wait_for "$WORK/server.log" "WFLYSRV0025" 90 || exit 1
LB_PID=$(cat "$WORK/server.pid")
"$SERVER/bin/jboss-cli.sh" -c > "$WORK/cli.out" 2>&1 <<CLI || { echo "jboss-cli failed:"; cat "$WORK/cli.out"; exit 1; }
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=bench-sink:add(host=127.0.0.1, port=$SINK_PORT)
/subsystem=load-balancer/smpp=default:write-attribute(name=window-size, value=$LB_WINDOW){allow-resource-service-restart=true}
/subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[bench-sink]){allow-resource-service-restart=true}
CLI
load balancer "$LB_PORT" sink=$SINK_PID balancer=$LB_PID
stop_server

# --- the table and the ratios the issue asks for
echo "SMPP, $BINDS binds x window $WINDOW, ${DURATION}s per series after ${WARMUP}s warm-up of each; $(date -u +%F)"
printf "%-9s %-9s %9s %8s %7s %7s %6s %9s %11s %9s %12s\n" series path msgs msg/s p50ms p99ms errors receipts "client-µs" "sink-µs" "balancer-µs"
awk '{ printf "%-9s %-9s %9s %8s %7s %7s %6s %9s %11s %9s %12s\n", $2, $3, $4, $6, $7, $8, $9, $10, $11, $12, ($13 == "" ? "-" : $13) }' "$WORK/results.txt"
echo
awk '{ rate[$2 "/" $3] = $6; sink[$2 "/" $3] = $12; lb[$2 "/" $3] = $13 }
    END { for (s = 1; s <= 2; s++) { series = (s == 1) ? "submit" : "receipts"; d = rate[series "/direct"]; b = rate[series "/balancer"];
        sk = sink[series "/balancer"]; l = lb[series "/balancer"];
        printf "%-9s through/direct rate = %s (goal >= 0.7), balancer/sink CPU per msg = %s (goal <= 1.0)\n", series,
            (d > 0 && b != "") ? sprintf("%.2f", b / d) : "-", (sk > 0 && l != "") ? sprintf("%.2f", l / sk) : "-" } }' "$WORK/results.txt"
echo "work files: $WORK"
