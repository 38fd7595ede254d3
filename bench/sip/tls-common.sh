# Shell functions shared by bench/sip/idle-memory.sh and bench/sip/tls-cpu.sh; sourced, not run. Needs HERE (the
# bench/sip directory) and WORK (the run's work directory) set, and ../common.sh sourced.

SERVER=$HERE/../../dist/target/server
CLI="$SERVER/bin/jboss-cli.sh -c"

# A self-signed key pair for localhost in $WORK: key.pem + cert.pem (Kamailio), node.p12 (the Java uas and the balancer's Elytron key store, password
# "secret"), and Kamailio's TLS configuration tls.cfg: no certificate checks either way, and TLSv1.2 only
# (KAMAILIO_TLS_METHOD), what the balancer's Elytron server-ssl-context negotiates by default, so that both peers
# run the same protocol and cipher suite (ECDHE-RSA-AES256-GCM-SHA384) with the clients.
make_certs() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 -subj "/CN=localhost" 2> /dev/null
    openssl pkcs12 -export -inkey "$WORK/key.pem" -in "$WORK/cert.pem" -name node -out "$WORK/node.p12" -passout pass:secret
    cat > "$WORK/tls.cfg" <<EOF
[server:default]
method = ${KAMAILIO_TLS_METHOD:-TLSv1.2}
verify_certificate = no
require_certificate = no
private_key = $WORK/key.pem
certificate = $WORK/cert.pem

[client:default]
method = ${KAMAILIO_TLS_METHOD:-TLSv1.2}
verify_certificate = no
require_certificate = no
EOF
}

# A copy of standalone.xml as built, lb-bench-tls.xml, with an Elytron server-ssl-context "lb" over $WORK/node.p12,
# the SIP listeners of issue 11 (TLS external 5061 and internal 5066, WSS 5083), a WS listener on 5082 and an hour of
# connection-idle-timeout, written by an embedded server. (Adding the listeners to a running server fails at main
# 519ad79: every sip listener add, ws included, is rolled back with "WFLYCTL0217: Child resource ... not found".)
lb_prepare_config() {
    cp "$SERVER/standalone/configuration/standalone.xml" "$SERVER/standalone/configuration/lb-bench-tls.xml"
    "$SERVER/bin/jboss-cli.sh" > "$WORK/cli-config.out" 2>&1 <<CLI
embed-server --server-config=lb-bench-tls.xml --std-out=discard
/subsystem=elytron/key-store=lb:add(path=$WORK/node.p12, type=PKCS12, credential-reference={clear-text=secret})
/subsystem=elytron/key-manager=lb:add(key-store=lb, credential-reference={clear-text=secret})
/subsystem=elytron/server-ssl-context=lb:add(key-manager=lb)
/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-ws:add(port=5082)
/subsystem=load-balancer/sip=default/listener=external-tls:add(side=external, transport=tls, socket-binding=load-balancer-sip-external-tls, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=internal-tls:add(side=internal, transport=tls, socket-binding=load-balancer-sip-internal-tls, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=external-wss:add(side=external, transport=wss, socket-binding=load-balancer-sip-external-wss, ssl-context=lb)
/subsystem=load-balancer/sip=default/listener=external-ws:add(side=external, transport=ws, socket-binding=load-balancer-sip-ws)
/subsystem=load-balancer/sip=default:write-attribute(name=connection-idle-timeout, value=3600)
stop-embedded-server
CLI
    grep -q "listener=external-ws" "$WORK/cli-config.out" && ! grep -q '"outcome" => "failed"' "$WORK/cli-config.out" \
        || { echo "jboss-cli (embedded) failed:"; cat "$WORK/cli-config.out"; return 1; }
}

lb_drop_config() {
    rm -f "$SERVER/standalone/configuration/lb-bench-tls.xml"
}

# Starts the dist server on lb-bench-tls.xml (read-only: nothing is written back) and sets LB_PID. Log in $1.
lb_start() {
    LAUNCH_JBOSS_IN_BACKGROUND=1 "$SERVER/bin/standalone.sh" --read-only-server-config=lb-bench-tls.xml > "$1" 2>&1 &
    wait_for "$1" WFLYSRV0025 90 || return 1
    LB_PID=$(pgrep -f "jboss-modules.jar.*$(cd "$SERVER" && pwd)" | head -1)
    [ -n "$LB_PID" ] || { echo "no balancer process"; return 1; }
    grep -q "RLB0017.*5061/TLS" "$1" || { echo "no TLS listener in $1"; return 1; }
}

lb_stop() {
    $CLI --command=":shutdown" > /dev/null 2>&1
    [ -n "${LB_PID:-}" ] && for i in $(seq 1 100); do kill -0 "$LB_PID" 2>/dev/null || break; sleep 0.2; done
    LB_PID=
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
