#!/usr/bin/env bash
# HTTP benchmark: wrk with keep-alive connections against three proxies in front of the same two nginx backends,
# in one run: the balancer (the dist server, the nodes registered by HTTP/JSON heartbeat), WildFly's own Undertow
# reverse-proxy handler (the testsuite's full-profile server, port offset WF_OFFSET) and HAProxy. Each proxy gets a
# warm-up run, then the measured run with the same wrk settings. Prints req/s, p50/p99 latency, wrk's errors, the
# proxy's CPU (utime+stime from /proc, the whole JVM or HAProxy process) and the backends' CPU per request, then
# balancer/WildFly and balancer/HAProxy throughput.
#
#   flock /tmp/wildfly.lock bench/http/run.sh
#   DURATION=15 WARMUP=10 THREADS=2 CONNECTIONS=64 flock /tmp/wildfly.lock bench/http/run.sh
#   PROXIES="balancer" flock /tmp/wildfly.lock bench/http/run.sh          # a subset: balancer wildfly haproxy
#   BALANCER_JAVA_OPTS="... -XX:StartFlightRecording=..." ...             # JAVA_OPTS of the balancer server
#
# Needs: mvn -B -o install -DskipTests -pl testsuite,dist -am (dist/target/server, testsuite/target/server-full);
# wrk, haproxy and nginx (installed with apt-get when missing); ports 2080, 2610, 9990, BACKEND_PORTS, HAPROXY_PORT
# and 8080/9990 + WF_OFFSET free.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
WILDFLY=$HERE/../../testsuite/target/server-full
PROXIES=${PROXIES:-balancer wildfly haproxy}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BACKEND1=${BACKEND1:-19081}
BACKEND2=${BACKEND2:-19082}
HAPROXY_PORT=${HAPROXY_PORT:-12080}
WF_OFFSET=${WF_OFFSET:-300}
WF_PORT=$(( 8080 + WF_OFFSET ))
WF_MGMT=$(( 9990 + WF_OFFSET ))
LB_PORT=2080
WORK=$(mktemp -d /tmp/lb-bench-http.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
NGINX_PID=
PROXY_PID=
BEAT=

missing=""
for tool in wrk haproxy nginx curl; do command -v $tool > /dev/null || missing="$missing $tool"; done
missing=${missing/nginx/nginx-light}
[ -z "$missing" ] || apt-get install -y $missing > "$WORK/apt.log" 2>&1 || { echo "apt-get install$missing failed"; exit 1; }
for proxy in $PROXIES; do
    case $proxy in
        balancer) [ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -o install -DskipTests -pl dist -am"; exit 1; } ;;
        wildfly) [ -x "$WILDFLY/bin/standalone.sh" ] || { echo "provision the full server first: mvn -B -o install -DskipTests -pl testsuite -am"; exit 1; } ;;
        haproxy) ;;
        *) echo "unknown proxy $proxy (balancer wildfly haproxy)"; exit 1 ;;
    esac
done

stop_pid() { # pid: TERM, then KILL after 20 s
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$1" 2>/dev/null
}

stop_proxy() { # a WildFly shuts down through its management port, HAProxy by signal
    [ -n "$PROXY_PID" ] || return 0
    [ -n "${PROXY_CLI:-}" ] && $PROXY_CLI --command=":shutdown" > /dev/null 2>&1
    stop_pid "$PROXY_PID"
    PROXY_PID=
    PROXY_CLI=
}

cleanup() {
    [ -n "$BEAT" ] && kill "$BEAT" 2>/dev/null
    stop_proxy
    stop_pid "$NGINX_PID"
}
trap cleanup EXIT

ms() { # a wrk latency (850.00us, 1.20ms, 2.01s) in milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'
}

measure() { # proxy-name port pids...
    local name=$1 port=$2; shift 2
    local body
    body=$(curl -s -m 5 "http://127.0.0.1:$port/bench") || true
    [[ "$body" == "backend b"* ]] || { echo "$name does not proxy to the backends (got: ${body:0:200})"; return 1; }
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/bench" > "$WORK/wrk-$name-warmup.out" 2>&1
    local before backends_before after backends_after
    before=$(cpu_ticks "$@"); backends_before=$(cpu_ticks $NGINX_PIDS)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/bench" > "$WORK/wrk-$name.out" 2>&1
    after=$(cpu_ticks "$@"); backends_after=$(cpu_ticks $NGINX_PIDS)
    local out=$WORK/wrk-$name.out
    local rps requests p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    requests=$(awk '/requests in/ { print $1 }' "$out")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
    echo "$name ${rps:-0} ${requests:-0} $p50 $p99 $errors $(( after - before )) $(( backends_after - backends_before ))" >> "$WORK/results.txt"
}

# --- the backends, shared by every proxy
mkdir -p "$WORK/nginx"
sed -e "s|WORK|$WORK|g" -e "s|BACKEND1|$BACKEND1|" -e "s|BACKEND2|$BACKEND2|" "$HERE/nginx.conf" > "$WORK/nginx.conf"
nginx -p "$WORK/nginx" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" > "$WORK/nginx.out" 2>&1 &
NGINX_PID=$!
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$BACKEND2/" && break; sleep 0.2; done
NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"

# --- the balancer; --read-only-server-config keeps standalone.xml as built, http=default as shipped
run_balancer() {
    JBOSS_PIDFILE=$WORK/balancer.pid LAUNCH_JBOSS_IN_BACKGROUND=1 JAVA_OPTS=${BALANCER_JAVA_OPTS:-} \
        "$SERVER/bin/standalone.sh" --read-only-server-config=standalone.xml > "$WORK/balancer.log" 2>&1 &
    wait_for "$WORK/balancer.log" "WFLYSRV0025" 90 || return 1
    PROXY_PID=$(cat "$WORK/balancer.pid")
    PROXY_CLI="$SERVER/bin/jboss-cli.sh -c"
    beat() {
        local n
        for n in 1 2; do
            curl -s -X POST http://127.0.0.1:2610/ -d "{\"start\":{\"hostName\":\"b$n\",\"ip\":\"127.0.0.1\",\"httpPort\":\"$(eval echo \$BACKEND$n)\",\"version\":\"1\",\"sessionId\":\"900$n\"}}" > /dev/null
        done
        while sleep 2; do
            for n in 1 2; do curl -s -X POST http://127.0.0.1:2610/ -d "{\"heartbeat\":{\"sessionId\":900$n}}" > /dev/null; done
        done
    }
    beat & BEAT=$!
    sleep 1
    measure balancer $LB_PORT "$PROXY_PID"
    kill $BEAT; BEAT=
    stop_proxy
}

# --- WildFly's own reverse proxy: the undertow reverse-proxy handler at "/" of the default host, over the same
# backends; a copy of the full profile's configuration, so the provisioned server stays clean
run_wildfly() {
    mkdir -p "$WORK/wildfly/deployments"
    cp -r "$WILDFLY/standalone/configuration" "$WORK/wildfly/"
    JBOSS_PIDFILE=$WORK/wildfly.pid LAUNCH_JBOSS_IN_BACKGROUND=1 \
        "$WILDFLY/bin/standalone.sh" -Djboss.server.base.dir="$WORK/wildfly" -Djboss.socket.binding.port-offset="$WF_OFFSET" \
        > "$WORK/wildfly.log" 2>&1 &
    wait_for "$WORK/wildfly.log" "WFLYSRV0025" 120 || return 1
    PROXY_PID=$(cat "$WORK/wildfly.pid")
    PROXY_CLI="$WILDFLY/bin/jboss-cli.sh -c --controller=127.0.0.1:$WF_MGMT"
    # connections-per-thread as the balancer's default pool (32), so neither proxy queues for a connection
    $PROXY_CLI > "$WORK/wildfly-cli.out" 2>&1 <<CLI || { echo "jboss-cli failed:"; cat "$WORK/wildfly-cli.out"; return 1; }
batch
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=bench-b1:add(host=127.0.0.1, port=$BACKEND1)
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=bench-b2:add(host=127.0.0.1, port=$BACKEND2)
/subsystem=undertow/configuration=handler/reverse-proxy=bench:add(connections-per-thread=32)
/subsystem=undertow/configuration=handler/reverse-proxy=bench/host=b1:add(outbound-socket-binding=bench-b1, scheme=http, path=/)
/subsystem=undertow/configuration=handler/reverse-proxy=bench/host=b2:add(outbound-socket-binding=bench-b2, scheme=http, path=/)
/subsystem=undertow/server=default-server/host=default-host/location=\/:remove
/subsystem=undertow/server=default-server/host=default-host/location=\/:add(handler=bench)
run-batch
reload
CLI
    # jboss-cli's reload returns once the server is back; the handler answers from then on
    for i in $(seq 1 150); do [[ "$(curl -s -m 2 "http://127.0.0.1:$WF_PORT/bench")" == "backend b"* ]] && break; sleep 0.2; done
    measure wildfly $WF_PORT "$PROXY_PID"
    stop_proxy
}

# --- HAProxy
run_haproxy() {
    sed -e "s|HAPROXY_PORT|$HAPROXY_PORT|" -e "s|BACKEND1|$BACKEND1|" -e "s|BACKEND2|$BACKEND2|" "$HERE/haproxy.cfg" > "$WORK/haproxy.cfg"
    haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
    PROXY_PID=$!
    for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HAPROXY_PORT/bench" && break; sleep 0.2; done
    measure haproxy $HAPROXY_PORT "$PROXY_PID"
    stop_proxy
}

for proxy in $PROXIES; do "run_$proxy"; done

# --- the table and the ratios the issue asks for
echo "HTTP, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (keep-alive, 32-byte body) after a ${WARMUP}s warm-up; $(date -u +%F)"
printf "%-9s %9s %10s %8s %8s %7s %14s %14s\n" proxy "req/s" requests p50ms p99ms errors "proxy-µs/req" "backends-µs/req"
awk -v tck="$CLK_TCK" '{ per = ($3 > 0) ? 1e6 / tck / $3 : 0;
    printf "%-9s %9s %10s %8s %8s %7s %14.1f %14.1f\n", $1, $2, $3, $4, $5, $6, $7 * per, $8 * per }' "$WORK/results.txt"
echo
awk '{ rps[$1] = $2; p99[$1] = $5 }
    END { b = rps["balancer"]; w = rps["wildfly"]; h = rps["haproxy"];
        printf "balancer/wildfly req/s = %s (goal >= 1.0), balancer/haproxy req/s = %s (goal >= 0.5)\n",
            (w > 0 && b != "") ? sprintf("%.2f", b / w) : "-", (h > 0 && b != "") ? sprintf("%.2f", b / h) : "-" }' "$WORK/results.txt"
echo "work files: $WORK"
