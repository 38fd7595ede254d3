# Shell functions shared by bench/sip/idle-memory.sh and bench/sip/tls-cpu.sh; sourced, not run. Needs HERE (the
# bench/sip directory) and WORK (the run's work directory) set, and ../common.sh sourced.

SERVER=$HERE/../../dist/target/server
CLI="$SERVER/bin/jboss-cli.sh -c"

# A self-signed key pair for localhost in $WORK: key.pem + cert.pem (Kamailio), node.p12 (the Java uas, password
# "secret"), and Kamailio's TLS configuration tls.cfg (no certificate checks either way, TLSv1.2 and later).
make_certs() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj "/CN=localhost" 2> /dev/null
    openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -name node -out "$WORK/node.p12" -passout pass:secret
    cat > "$WORK/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $WORK/key.pem
certificate = $WORK/cert.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOF
}

# Starts the dist server (standalone.xml as built: --read-only-server-config drops every change at shutdown) and sets
# LB_PID. Log in $1.
lb_start() {
    LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" --read-only-server-config=standalone.xml > "$1" 2>&1 &
    wait_for "$1" WFLYSRV0025 90 || return 1
    LB_PID=$(pgrep -f "jboss-modules.jar.*$(cd "$SERVER" && pwd)" | head -1)
    [ -n "$LB_PID" ] || { echo "no balancer process"; return 1; }
}

lb_stop() {
    $CLI --command=":shutdown" > /dev/null 2>&1
    [ -n "${LB_PID:-}" ] && for i in $(seq 1 100); do kill -0 "$LB_PID" 2>/dev/null || break; sleep 0.2; done
    LB_PID=
}

# An Elytron server-ssl-context "lb" over a key pair Elytron generates in memory, the SIP listeners of issue 11 (TLS
# external 5061 and internal 5066, WSS 5083) and a WS listener on 5082; idle connections live for an hour.
lb_secure_listeners() {
    $CLI > "$WORK/cli-listeners.out" 2>&1 <<CLI || { echo "jboss-cli failed:"; cat "$WORK/cli-listeners.out"; return 1; }
/subsystem=elytron/key-store=lb:add(type=PKCS12, credential-reference={clear-text=secret})
/subsystem=elytron/key-store=lb:generate-key-pair(alias=lb, algorithm=RSA, key-size=2048, distinguished-name="CN=localhost")
/subsystem=elytron/key-manager=lb:add(key-store=lb, credential-reference={clear-text=secret})
/subsystem=elytron/server-ssl-context=lb:add(key-manager=lb)
/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-ws:add(port=5082)
batch
/subsystem=load-balancer/sip=default/listener=external-tls:add(side=external, transport=tls, socket-binding=load-balancer-sip-external-tls, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=internal-tls:add(side=internal, transport=tls, socket-binding=load-balancer-sip-internal-tls, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=external-wss:add(side=external, transport=wss, socket-binding=load-balancer-sip-external-wss, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=external-ws:add(side=external, transport=ws, socket-binding=load-balancer-sip-ws)
/subsystem=load-balancer/sip=default:write-attribute(name=connection-idle-timeout, value=3600)
run-batch --headers={allow-resource-service-restart=true}
CLI
}

lb_metric() { # name
    $CLI --command="/subsystem=load-balancer:read-attribute(name=$1)" 2>/dev/null | awk -F'=> ' '/"result"/ {gsub(/[ L]/, "", $2); print $2}'
}

rss_kb() { # pids...: the sum of their VmRSS
    local total=0 pid
    for pid in "$@"; do total=$(( total + $(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0) )); done
    echo $total
}

pss_kb() { # pids...: the sum of their proportional set sizes, shared memory counted once over all of them
    local total=0 pid
    for pid in "$@"; do total=$(( total + $(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0) )); done
    echo $total
}
