#!/usr/bin/env bash
# Idle SIP TCP connections against the dist server: opens N connections to 5060 (each sends one OPTIONS, so it is
# past the first-message timeout), prints how long the accepts took and the balancer's RSS per connection, then
# waits for connection-idle-timeout (set short here through jboss-cli) and prints when the server closed them.
#
#   bench/sip/idle-connections.sh [connections]     default 10000; IDLE=20 (seconds, the idle timeout set)
#
# Needs: a built server (mvn -B -ntp install -DskipTests -pl dist -am), python3. Loopback only.
set -uo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
SERVER=$HERE/../../dist/target/server
COUNT=${1:-10000}
IDLE=${IDLE:-20}
WORK=$(mktemp -d /tmp/lb-bench-idle.XXXXXX)
[ -x "$SERVER/bin/standalone.sh" ] || { echo "build the server first: mvn -B -ntp install -DskipTests -pl dist -am"; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cleanup() { "$SERVER/bin/jboss-cli.sh" -c --command=":shutdown" > /dev/null 2>&1; }
trap cleanup EXIT

LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" > "$WORK/server.log" 2>&1 &
for i in $(seq 1 60); do grep -q "WFLYSRV0025" "$WORK/server.log" 2>/dev/null && break; sleep 1; done
"$SERVER/bin/jboss-cli.sh" -c --command="/subsystem=load-balancer/sip=default:write-attribute(name=connection-idle-timeout, value=$IDLE){allow-resource-service-restart=true}" > /dev/null
sleep 1
LB_PID=$(pgrep -f "jboss-modules.jar.*$(basename "$(cd "$SERVER" && pwd)")" | head -1)
[ -z "$LB_PID" ] && LB_PID=$(pgrep -f "jboss-modules.jar" | head -1)
rss() { awk '/VmRSS/ {print $2}' /proc/$LB_PID/status; }

python3 - "$COUNT" "$IDLE" "$LB_PID" <<'PY'
import socket, sys, time
count, idle, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
def options(i):
    return (f"OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:6000;branch=z9hG4bK-idle{i}\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag={i}\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: idle-{i}\r\n"
            f"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()
before = rss_kb()
sockets, failed = [], 0
start = time.monotonic()
for i in range(count):
    s = socket.socket()
    s.settimeout(1.0)
    try:
        s.connect(("127.0.0.1", 5060))
        s.sendall(options(i))
        sockets.append(s)
    except OSError:
        failed += 1
        s.close()
accepted = time.monotonic() - start
time.sleep(2)
during = rss_kb()
print(f"{len(sockets)} connections open in {accepted:.2f} s ({failed} failed within the 1 s connect timeout)")
print(f"balancer RSS {before/1024:.0f} MB -> {during/1024:.0f} MB: {(during-before)*1024/max(1,len(sockets)):.0f} bytes per connection")
opened_at = time.monotonic()
for s in sockets:
    s.setblocking(False)
closed = 0
deadline = opened_at + idle * 3 + 30
first = last = None
while closed < len(sockets) and time.monotonic() < deadline:
    for s in sockets:
        if s.fileno() < 0:
            continue
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    raise ConnectionResetError()
        except BlockingIOError:
            pass
        except OSError:
            now = time.monotonic() - opened_at
            first = now if first is None else first
            last = now
            closed += 1
            s.close()
    time.sleep(0.5)
print(f"closed by the balancer: {closed} of {len(sockets)}; first after {first or 0:.1f} s, last after {last or 0:.1f} s "
      f"(connection-idle-timeout {idle} s, counted from the OPTIONS each sent)")
PY
