#!/usr/bin/env bash
# SIP benchmark: sipp uac -> peer -> two sipp uas nodes over UDP, the balancer (the dist server, nodes registered by
# HTTP/JSON heartbeat) against Kamailio's dispatcher with stateless forward() and stateful t_relay(), in one run.
# All three peers run for the whole run, so the JVM stays warm as a running balancer's does; round by round each
# peer gets a warm-up at the measured rate, then the measured calls. Per peer and round: calls ok and failed,
# p50/p99 INVITE->200 (sipp's rtt, 1 ms resolution), the peer's CPU milliseconds per 1000 successful calls and the
# datagrams the kernel dropped meanwhile for a full receive queue (any socket: the peer's, sipp's); then
# per rate the medians with their spread, and the balancer's CPU over stateless Kamailio's, withheld when Kamailio's
# own figure varied by more than 15 % between rounds (the machine was not quiet enough to compare).
#
#   bench/sip/run.sh [rates...]        default: 1000 2000
#   ROUNDS=3 DURATION=15 WARMUP=10     rounds per rate, seconds measured and warmed up per round and peer
#   SCENARIO=rr                        rr: uac-rr.xml / uas-no180.xml (ACK and BYE through the Record-Route set, no
#                                      180, which can overtake the 200 through a multi-process peer); builtin: sipp's
#                                      own uac / uas
#   PEERS="balancer kamailio-stateless kamailio-stateful"
#   SETTLE=1                           uncounted rounds per peer before the first rate (a fresh Kamailio's first round
#                                      costs it up to a third more than the next ones, which withheld every ratio)
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), sipp (sip-tester), kamailio, curl.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
RATES=("${@:-1000 2000}")
RATES=(${RATES[@]})
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
SCENARIO=${SCENARIO:-rr}
PEERS=${PEERS:-balancer kamailio-stateless kamailio-stateful}
WORK=$(mktemp -d /tmp/lb-bench-sip.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
declare -A PORT=([balancer]=5060 [kamailio-stateless]=5080 [kamailio-stateful]=5082)
declare -A PIDS

for tool in sipp kamailio curl; do
    command -v $tool >/dev/null || { echo "missing $tool (apt-get install sip-tester kamailio curl)"; exit 1; }
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }
sipp_scenario

percentile() { # file percentile: P of the response times (ms) in a sipp rtt file
    awk -F';' 'NR>1 && $2 != "" {print $2}' "$1" | sort -n | awk -v p="$2" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int(NR*p/100); if (i<1) i=1; printf "%.2f", v[i]}'
}

sipp_count() { # file "Successful call" | "Failed call"
    grep -E "$2" "$1" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}'
}

calls() { # dir port rate seconds: sipp's uac at the rate for that long
    local dir=$1 port=$2 rate=$3 seconds=$4
    mkdir -p "$dir"
    ( cd "$dir" && timeout $(( seconds * 3 + 30 )) sipp "${UAC[@]}" 127.0.0.1:$port -i 127.0.0.1 -p 5170 -r "$rate" -m $(( rate * seconds )) \
        -l $(( rate * 4 )) -nostdin -timeout $(( seconds * 2 + 20 ))s -timeout_error -trace_rtt -rtt_freq 1 -max_socket 1024 > uac.out 2>&1 )
}

measure() { # peer rate round [uncounted]
    local peer=$1 rate=$2 round=$3 uncounted=${4:-}
    calls "$WORK/warmup-$peer-$rate-$round" "${PORT[$peer]}" "$rate" "$WARMUP"
    local dir=$WORK/$peer-$rate-$round
    local before=$(cpu_ticks ${PIDS[$peer]}) drops_before=$(udp_receive_drops)
    calls "$dir" "${PORT[$peer]}" "$rate" "$DURATION"
    local after=$(cpu_ticks ${PIDS[$peer]}) drops=$(( $(udp_receive_drops) - drops_before ))
    local ok=$(sipp_count "$dir/uac.out" "Successful call") failed=$(sipp_count "$dir/uac.out" "Failed call")
    local rtt=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
    local p50=$( [ -n "$rtt" ] && percentile "$rtt" 50 || echo -) p99=$( [ -n "$rtt" ] && percentile "$rtt" 99 || echo -)
    local per_k=$(awk -v c="$(( (after - before) * 1000 / CLK_TCK ))" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1000 / n; else print "-" }')
    printf "%-20s %6s %5s %8s %7s %9s %9s %12s %9s%s\n" "$peer" "$rate" "$round" "${ok:-0}" "${failed:-?}" "$p50" "$p99" "$per_k" "$drops" "${uncounted:+  (settling, not counted)}"
    [ -n "$uncounted" ] && return
    echo "$peer $rate $round ${ok:-0} ${failed:-0} $p99 $per_k" >> "$WORK/results.txt"
}

udp_receive_drops() { # datagrams the kernel dropped for a full receive queue, any socket (RcvbufErrors)
    awk '/^Udp:/ { if (++seen == 2) print $6 }' /proc/net/snmp
}

cleanup() {
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    pkill -f "kamailio -f $WORK/" 2>/dev/null
    pkill -f "sipp .* -i 127.0.0.1 -p 519" 2>/dev/null
    "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
}
trap cleanup EXIT

echo "scenario $SCENARIO, ${SETTLE:-1} uncounted and $ROUNDS counted rounds of ${DURATION} s after ${WARMUP} s of warm-up per peer and rate; $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# the nodes
( cd "$WORK"; sipp "${UAS[@]}" -i 127.0.0.1 -p 5191 -nostdin -bg > uas1.out 2>&1; sipp "${UAS[@]}" -i 127.0.0.1 -p 5192 -nostdin -bg > uas2.out 2>&1 )
sleep 0.5

# the balancer
LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$WORK/server.log" 2>&1 &
wait_for "$WORK/server.log" WFLYSRV0025 90 || exit 1
PIDS[balancer]=$(pgrep -f "jboss-modules.jar.*$(basename "$(cd "$SERVER" && pwd)")" | head -1)
[ -z "${PIDS[balancer]}" ] && PIDS[balancer]=$(pgrep -f "jboss-modules.jar" | head -1)
heartbeat_nodes udpPort 9001:5191 9002:5192 & BEAT=$!

# Kamailio, stateless and stateful, each its own instance
echo "1 sip:127.0.0.1:5191" > "$WORK/dispatcher.list"
echo "1 sip:127.0.0.1:5192" >> "$WORK/dispatcher.list"
for mode in stateless stateful; do
    peer=kamailio-$mode
    case " $PEERS " in *" $peer "*) ;; *) continue ;; esac
    sed -e "s|DISPATCHER_LIST|$WORK/dispatcher.list|" -e "s|udp:127.0.0.1:5080|udp:127.0.0.1:${PORT[$peer]}|" "$HERE/kamailio.cfg" > "$WORK/kamailio-$mode.cfg"
    defines=""; [ $mode = stateful ] && defines="-A STATEFUL"
    kamailio -f "$WORK/kamailio-$mode.cfg" $defines -P "$WORK/kamailio-$mode.pid" -m 256 -M 16 -E -DD > "$WORK/kamailio-$mode.log" 2>&1 &
    sleep 2
    PIDS[$peer]=$(pgrep -f "kamailio -f $WORK/kamailio-$mode.cfg" | tr '\n' ' ')
done
sleep 1

printf "%-20s %6s %5s %8s %7s %9s %9s %12s %9s\n" "peer" "cps" "round" "ok" "failed" "p50(ms)" "p99(ms)" "cpu-ms/1k" "udp-drops"
for round in $(seq 1 "${SETTLE:-1}"); do
    for peer in $PEERS; do measure "$peer" "${RATES[0]}" "s$round" uncounted; done
done
for rate in "${RATES[@]}"; do
    for round in $(seq 1 "$ROUNDS"); do
        for peer in $PEERS; do measure "$peer" "$rate" "$round"; done
    done
    echo "load average after $rate calls/s: $(cut -d' ' -f1-3 /proc/loadavg)"
done

echo
awk '
    function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
        return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    function lo(list,   n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 < m + 0) m = v[i]; return m }
    function hi(list,   n, v, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]; return m }
    $7 != "-" { key = $1 " " $2; cpu[key] = cpu[key] " " $7; p99[key] = p99[key] " " $6; failed[key] += $5; rates[$2] = 1; peers[$1] = 1; byround[$1, $2, $3] = $7 }
    END {
        for (r in rates) {
            for (p in peers) {
                key = p " " r
                if (cpu[key] == "") continue
                printf "%-20s %5s calls/s: cpu-ms/1k median %s (rounds%s, spread %s-%s), p99 median %s ms (rounds%s), failed %d\n",
                    p, r, median(cpu[key]), cpu[key], lo(cpu[key]), hi(cpu[key]), median(p99[key]), p99[key], failed[key]
            }
            b = cpu["balancer " r]; k = cpu["kamailio-stateless " r]
            if (b == "" || k == "") continue
            ratios = ""
            for (i = 1; (("balancer", r, i) in byround) && (("kamailio-stateless", r, i) in byround); i++)
                ratios = ratios " " sprintf("%.2f", byround["balancer", r, i] / byround["kamailio-stateless", r, i])
            variation = hi(k) / lo(k) - 1
            if (variation > 0.15)
                printf "%5s calls/s: ratio withheld: stateless Kamailio varied %.0f%% between rounds (more than 15%%): not a quiet machine\n", r, variation * 100
            else
                printf "%5s calls/s: balancer / stateless Kamailio, CPU per call: %.2f (medians), per round%s; Kamailio varied %.0f%%\n",
                    r, median(b) / median(k), ratios, variation * 100
        }
    }' "$WORK/results.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); work files: $WORK"
