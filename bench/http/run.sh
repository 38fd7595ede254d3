#!/usr/bin/env bash
# HTTP benchmark: wrk with keep-alive connections against three proxies in front of the same two nginx backends,
# in one run: the balancer (the dist server, the nodes registered by HTTP/JSON heartbeat), WildFly's own Undertow
# reverse-proxy handler (the testsuite's full-profile server, port offset WF_OFFSET) and HAProxy. All three are up
# at once; each gets a warm-up run, then ROUNDS measured runs taken in turn (balancer, WildFly, HAProxy, balancer,
# ...) with the same wrk settings, so that load from elsewhere on the machine falls on all of them alike. Prints
# per proxy the median req/s of its rounds, the p50/p99 latency of that median round, wrk's errors, the proxy's CPU
# (utime+stime from /proc, the whole JVM or HAProxy process) and the backends' CPU per request over all rounds,
# then balancer/WildFly and balancer/HAProxy req/s (ratio of the medians, and round by round).
#
#   flock /tmp/wildfly.lock bench/http/run.sh
#   ROUNDS=3 DURATION=15 WARMUP=10 THREADS=2 CONNECTIONS=64 flock /tmp/wildfly.lock bench/http/run.sh
#   PROXIES="balancer" flock /tmp/wildfly.lock bench/http/run.sh          # a subset: balancer wildfly haproxy
#   BALANCER_JAVA_OPTS="... -XX:StartFlightRecording=..." ...             # JAVA_OPTS of the balancer server
#   IO_THREADS=2 ...              # I/O threads of both JVM proxies (default: the io subsystem's, 2 per core)
#   BODY_KB=64 ...                # POST requests with a body of that many KiB instead of GETs
#
# Needs: mvn -B -o install -DskipTests -pl testsuite,dist -am (dist/target/server, testsuite/target/server-full);
# wrk, haproxy and nginx (installed with apt-get when missing); ports 2080, 2610, 9990, BACKEND1/2, HAPROXY_PORT
# and 8080/9990 + WF_OFFSET free.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
WILDFLY=$HERE/../../testsuite/target/server-full
PROXIES=${PROXIES:-balancer wildfly haproxy}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BACKEND1=${BACKEND1:-19081}
BACKEND2=${BACKEND2:-19082}
HAPROXY_PORT=${HAPROXY_PORT:-12080}
WF_OFFSET=${WF_OFFSET:-300}
IO_THREADS=${IO_THREADS:-}
BODY_KB=${BODY_KB:-0}
WF_PORT=$(( 8080 + WF_OFFSET ))
WF_MGMT=$(( 9990 + WF_OFFSET ))
LB_PORT=2080
WORK=$(mktemp -d /tmp/lb-bench-http.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
NGINX_PID=
BEAT=
declare -A PID PORT CLI

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

stop_proxy() { # proxy-name: a WildFly shuts down through its management port, HAProxy by signal
    [ -n "${PID[$1]:-}" ] || return 0
    [ -n "${CLI[$1]:-}" ] && ${CLI[$1]} --command=":shutdown" > /dev/null 2>&1
    stop_pid "${PID[$1]}"
    unset "PID[$1]"
}

cleanup() {
    [ -n "$BEAT" ] && kill "$BEAT" 2>/dev/null
    for proxy in "${!PID[@]}"; do stop_proxy "$proxy"; done
    stop_pid "$NGINX_PID"
}
trap cleanup EXIT

# POSTs: wrk sends each request with the same body of BODY_KB KiB
WRK_SCRIPT=()
REQUESTS="GET requests"
if [ "$BODY_KB" -gt 0 ]; then
    printf 'wrk.method = "POST"\nwrk.body = string.rep("x", %d)\nwrk.headers["Content-Type"] = "application/octet-stream"\n' \
        $(( BODY_KB * 1024 )) > "$WORK/post.lua"
    WRK_SCRIPT=(-s "$WORK/post.lua")
    REQUESTS="POST requests with a $BODY_KB KiB body"
fi

ms() { # a wrk latency (850.00us, 1.20ms, 2.01s) in milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'
}

warm_up() { # proxy-name: checks the path to the backends, then one unmeasured run
    local body
    body=$(curl -s -m 5 "http://127.0.0.1:${PORT[$1]}/bench") || true
    [[ "$body" == "backend b"* ]] || { echo "$1 does not proxy to the backends (got: ${body:0:200})"; return 1; }
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${WRK_SCRIPT[@]}" "http://127.0.0.1:${PORT[$1]}/bench" > "$WORK/wrk-$1-warmup.out" 2>&1
}

measure() { # proxy-name round
    local name=$1 out=$WORK/wrk-$1-$2.out
    local before backends_before after backends_after
    before=$(cpu_ticks ${PID[$name]}); backends_before=$(cpu_ticks $NGINX_PIDS)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${WRK_SCRIPT[@]}" "http://127.0.0.1:${PORT[$name]}/bench" > "$out" 2>&1
    after=$(cpu_ticks ${PID[$name]}); backends_after=$(cpu_ticks $NGINX_PIDS)
    local rps requests p50 p99 errors
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    requests=$(awk '/requests in/ { print $1 }' "$out")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
    echo "$name $2 ${rps:-0} ${requests:-0} $p50 $p99 $errors $(( after - before )) $(( backends_after - backends_before ))" >> "$WORK/results.txt"
}

# --- the backends, shared by every proxy
mkdir -p "$WORK/nginx"
sed -e "s|WORK|$WORK|g" -e "s|BACKEND1|$BACKEND1|" -e "s|BACKEND2|$BACKEND2|" "$HERE/nginx.conf" > "$WORK/nginx.conf"
nginx -p "$WORK/nginx" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" > "$WORK/nginx.out" 2>&1 &
NGINX_PID=$!
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$BACKEND2/" && break; sleep 0.2; done
NGINX_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"

# --- the balancer; --read-only-server-config keeps standalone.xml as built, http=default as shipped
start_balancer() {
    JBOSS_PIDFILE=$WORK/balancer.pid LAUNCH_JBOSS_IN_BACKGROUND=1 JAVA_OPTS=${BALANCER_JAVA_OPTS:-} \
        "$SERVER/bin/standalone.sh" --read-only-server-config=standalone.xml > "$WORK/balancer.log" 2>&1 &
    wait_for "$WORK/balancer.log" "WFLYSRV0025" 90 || return 1
    PID[balancer]=$(cat "$WORK/balancer.pid")
    PORT[balancer]=$LB_PORT
    CLI[balancer]="$SERVER/bin/jboss-cli.sh -c"
    beat() {
        local n
        for n in 1 2; do
            curl -s -X POST http://127.0.0.1:2610/ -d "{\"start\":{\"hostName\":\"b$n\",\"ip\":\"127.0.0.1\",\"httpPort\":\"$(eval echo \$BACKEND$n)\",\"version\":\"1\",\"sessionId\":\"900$n\"}}" > /dev/null
        done
        while sleep 2; do
            for n in 1 2; do curl -s -X POST http://127.0.0.1:2610/ -d "{\"heartbeat\":{\"sessionId\":900$n}}" > /dev/null; done
        done
    }
    if [ -n "$IO_THREADS" ]; then
        # a worker of its own for http=default; the default worker's io-threads would need a reload, which
        # --read-only-server-config would undo
        ${CLI[balancer]} > "$WORK/balancer-cli.out" 2>&1 <<CLI || { echo "jboss-cli failed:"; cat "$WORK/balancer-cli.out"; return 1; }
/subsystem=io/worker=bench:add(io-threads=$IO_THREADS)
/subsystem=load-balancer/http=default:write-attribute(name=worker, value=bench){allow-resource-service-restart=true}
CLI
    fi
    beat & BEAT=$!
    sleep 1
}

# --- WildFly's own reverse proxy: the undertow reverse-proxy handler at "/" of the default host, over the same
# backends; a copy of the full profile's configuration, so the provisioned server stays clean
start_wildfly() {
    mkdir -p "$WORK/wildfly/deployments"
    cp -r "$WILDFLY/standalone/configuration" "$WORK/wildfly/"
    JBOSS_PIDFILE=$WORK/wildfly.pid LAUNCH_JBOSS_IN_BACKGROUND=1 \
        "$WILDFLY/bin/standalone.sh" -Djboss.server.base.dir="$WORK/wildfly" -Djboss.socket.binding.port-offset="$WF_OFFSET" \
        > "$WORK/wildfly.log" 2>&1 &
    wait_for "$WORK/wildfly.log" "WFLYSRV0025" 120 || return 1
    PID[wildfly]=$(cat "$WORK/wildfly.pid")
    PORT[wildfly]=$WF_PORT
    CLI[wildfly]="$WILDFLY/bin/jboss-cli.sh -c --controller=127.0.0.1:$WF_MGMT"
    # connections-per-thread as the balancer's default pool (32), so neither proxy queues for a connection
    ${CLI[wildfly]} > "$WORK/wildfly-cli.out" 2>&1 <<CLI || { echo "jboss-cli failed:"; cat "$WORK/wildfly-cli.out"; return 1; }
batch
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=bench-b1:add(host=127.0.0.1, port=$BACKEND1)
/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=bench-b2:add(host=127.0.0.1, port=$BACKEND2)
/subsystem=undertow/configuration=handler/reverse-proxy=bench:add(connections-per-thread=32)
/subsystem=undertow/configuration=handler/reverse-proxy=bench/host=b1:add(outbound-socket-binding=bench-b1, scheme=http, path=/)
/subsystem=undertow/configuration=handler/reverse-proxy=bench/host=b2:add(outbound-socket-binding=bench-b2, scheme=http, path=/)
/subsystem=undertow/server=default-server/host=default-host/location=\/:remove
/subsystem=undertow/server=default-server/host=default-host/location=\/:add(handler=bench)
$( [ -n "$IO_THREADS" ] && echo "/subsystem=io/worker=default:write-attribute(name=io-threads, value=$IO_THREADS)" )
run-batch
reload
CLI
    # jboss-cli's reload returns once the server is back; the handler answers from then on
    for i in $(seq 1 150); do [[ "$(curl -s -m 2 "http://127.0.0.1:$WF_PORT/bench")" == "backend b"* ]] && break; sleep 0.2; done
}

# --- HAProxy
start_haproxy() {
    sed -e "s|HAPROXY_PORT|$HAPROXY_PORT|" -e "s|BACKEND1|$BACKEND1|" -e "s|BACKEND2|$BACKEND2|" "$HERE/haproxy.cfg" > "$WORK/haproxy.cfg"
    haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
    PID[haproxy]=$!
    PORT[haproxy]=$HAPROXY_PORT
    for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HAPROXY_PORT/bench" && break; sleep 0.2; done
}

for proxy in $PROXIES; do "start_$proxy" || exit 1; done
for proxy in $PROXIES; do warm_up "$proxy" || exit 1; done
for round in $(seq 1 "$ROUNDS"); do
    for proxy in $PROXIES; do measure "$proxy" "$round"; done
done
for proxy in $PROXIES; do stop_proxy "$proxy"; done

# --- the table (the median round of each proxy) and the ratios the issue asks for
echo "HTTP, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (keep-alive $REQUESTS, 32-byte answers), $ROUNDS rounds in turn after a ${WARMUP}s warm-up each; $(date -u +%F)"
printf "%-9s %9s %-23s %8s %8s %7s %13s %16s\n" proxy "req/s" "rounds req/s" p50ms p99ms errors "proxy-µs/req" "backends-µs/req"
sort -k1,1 -k3,3n "$WORK/results.txt" | awk -v tck="$CLK_TCK" -v order="$PROXIES" '
    FNR == NR { rounds[$1] = rounds[$1] (rounds[$1] == "" ? "" : "/") $3; next }
    { n[$1]++; line[$1, n[$1]] = $0; req[$1] += $4; err[$1] += $7; cpu[$1] += $8; back[$1] += $9 }
    END { split(order, names, " ");
        for (i = 1; i in names; i++) { p = names[i]; if (!(p in n)) continue;
            split(line[p, int((n[p] + 1) / 2)], m, " "); per = (req[p] > 0) ? 1e6 / tck / req[p] : 0;
            printf "%-9s %9s %-23s %8s %8s %7s %13.1f %16.1f\n", p, m[3], rounds[p], m[5], m[6], err[p], cpu[p] * per, back[p] * per } }' "$WORK/results.txt" -
echo
awk '{ rps[$1, $2] = $3; n[$1]++ }
    END { for (r = 1; r <= n["balancer"]; r++) {
            w = w sprintf(" %s", (rps["wildfly", r] > 0) ? sprintf("%.2f", rps["balancer", r] / rps["wildfly", r]) : "-");
            h = h sprintf(" %s", (rps["haproxy", r] > 0) ? sprintf("%.2f", rps["balancer", r] / rps["haproxy", r]) : "-") }
        print "balancer/wildfly req/s by round:" w "; balancer/haproxy req/s by round:" h }' "$WORK/results.txt"
sort -k1,1 -k3,3n "$WORK/results.txt" | awk '{ n[$1]++; v[$1, n[$1]] = $3 }
    END { for (p in n) med[p] = v[p, int((n[p] + 1) / 2)]; b = med["balancer"]; w = med["wildfly"]; h = med["haproxy"];
        printf "medians: balancer/wildfly req/s = %s (goal >= 1.0), balancer/haproxy req/s = %s (goal >= 0.5)\n",
            (w > 0 && b != "") ? sprintf("%.2f", b / w) : "-", (h > 0 && b != "") ? sprintf("%.2f", b / h) : "-" }'
echo "work files: $WORK"
