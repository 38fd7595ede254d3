#!/usr/bin/env bash
# Cold start: a freshly started balancer (the dist server as bin/standalone.sh runs it) offered the full call rate
# from its first moment, as after a failover to it. Per round the server is started anew, the two sipp uas nodes
# register by HTTP/JSON heartbeat the moment the server reports started, and sipp's uac sends RATE calls/s at once
# for DURATION seconds. Printed per round: calls ok and failed, p99 INVITE->200 of the first second, of the first
# five and of the whole run, and the slowest answer; then the medians over the rounds.
#
#   bench/sip/cold-start.sh            ROUNDS=3 RATE=2000 DURATION=20 SCENARIO=rr
#   JAVA_OPTS=...                      passed on to standalone.sh, to compare JVM options with the shipped ones
#   SETTLE=10                          seconds the started server idles before the calls start: tells the JVM's own
#                                      start-up work (still going at WFLYSRV0025) from the balancer's cold code
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), sipp (sip-tester), curl.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-2000}
DURATION=${DURATION:-20}
SCENARIO=${SCENARIO:-rr}
WORK=$(mktemp -d /tmp/lb-bench-cold.XXXXXX)

for tool in sipp curl; do
    command -v $tool >/dev/null || { echo "missing $tool (apt-get install sip-tester curl)"; exit 1; }
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }
sipp_scenario

stop_server() {
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    BEAT=
    "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
    local i
    for i in $(seq 1 50); do pgrep -f "jboss-modules.jar.*$(basename "$(cd "$SERVER" && pwd)")" > /dev/null || return 0; sleep 0.2; done
}
cleanup() {
    stop_server
    pkill -f "sipp .* -i 127.0.0.1 -p 519" 2>/dev/null
}
trap cleanup EXIT

percentile_within() { # rtt-file from-ms to-ms percentile: P of the response times of calls answered in [from, to) ms after the first
    awk -F';' -v from="$2" -v to="$3" 'NR>1 && $2 != "" { if (start == "") start = $1; t = $1 - start; if (t >= from && t < to) print $2 }' "$1" \
        | sort -n | awk -v p="$4" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int(NR*p/100); if (i<1) i=1; printf "%.0f", v[i]}'
}

echo "cold start: $ROUNDS rounds, $RATE calls/s for $DURATION s from the moment the server started; scenario $SCENARIO; $(nproc) cores"
echo "JAVA_OPTS: ${JAVA_OPTS:-as standalone.conf of the dist server sets them}; calls start ${SETTLE:-0} s after the server reports started"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
( cd "$WORK"; sipp "${UAS[@]}" -i 127.0.0.1 -p 5191 -nostdin -bg > uas1.out 2>&1; sipp "${UAS[@]}" -i 127.0.0.1 -p 5192 -nostdin -bg > uas2.out 2>&1 )
sleep 0.5

printf "%5s %8s %7s %12s %12s %10s %9s\n" round ok failed "p99 1st s" "p99 1-5 s" "p99 all" "max(ms)"
for round in $(seq 1 "$ROUNDS"); do
    dir=$WORK/round-$round
    mkdir -p "$dir"
    LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$dir/server.log" 2>&1 &
    wait_for "$dir/server.log" WFLYSRV0025 90 || exit 1
    sleep "${SETTLE:-0}"
    heartbeat_nodes udpPort 9001:5191 9002:5192 & BEAT=$!
    # the first heartbeat round registers both nodes; the calls start right after
    for i in $(seq 1 50); do [ "$(curl -s http://127.0.0.1:2006/lbinfo 2>/dev/null | grep -o '"ip"' | wc -l)" -ge 2 ] && break; sleep 0.05; done
    ( cd "$dir" && timeout $(( DURATION * 3 + 30 )) sipp "${UAC[@]}" 127.0.0.1:5060 -i 127.0.0.1 -p 5170 -r "$RATE" -m $(( RATE * DURATION )) \
        -l $(( RATE * 4 )) -nostdin -timeout $(( DURATION * 2 + 20 ))s -timeout_error -trace_rtt -rtt_freq 1 -max_socket 1024 > uac.out 2>&1 )
    ok=$(grep -E "Successful call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    failed=$(grep -E "Failed call" "$dir/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
    rtt=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
    first=$(percentile_within "$rtt" 0 1000 99) five=$(percentile_within "$rtt" 0 5000 99)
    all=$(percentile_within "$rtt" 0 999999999 99) max=$(percentile_within "$rtt" 0 999999999 100)
    printf "%5s %8s %7s %12s %12s %10s %9s\n" "$round" "${ok:-0}" "${failed:-?}" "$first" "$five" "$all" "$max"
    echo "$round ${ok:-0} ${failed:-0} $first $five $all $max" >> "$WORK/results.txt"
    stop_server
done

awk '
    function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
        return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    { failed = failed " " $3; first = first " " $4; five = five " " $5; all = all " " $6; max = max " " $7 }
    END {
        printf "median over %d rounds: failed %s (rounds%s), p99 first second %s ms (rounds%s), first five seconds %s ms (rounds%s), whole run %s ms (rounds%s), slowest %s ms (rounds%s)\n",
            NR, median(failed), failed, median(first), first, median(five), five, median(all), all, median(max), max
    }' "$WORK/results.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); work files: $WORK"
