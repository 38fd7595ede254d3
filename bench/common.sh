# Shell functions shared by the bench/*/run.sh scripts; sourced, not run.

cpu_ticks() { # sum of utime+stime of the given pids, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        read -r -a stat < /proc/$pid/stat || continue
        total=$(( total + stat[13] + stat[14] ))
    done
    echo $total
}

sipp_scenario() { # sets UAC and UAS, sipp's arguments for the caller and the nodes, from SCENARIO (rr or builtin)
    case ${SCENARIO:-rr} in
        rr) UAC=(-sf "$HERE/uac-rr.xml"); UAS=(-sf "$HERE/uas-no180.xml") ;;
        builtin) UAC=(-sn uac); UAS=(-sn uas) ;;
        *) echo "SCENARIO is rr or builtin"; exit 1 ;;
    esac
    # SIPP_BUFF: the sipp sockets' queues in bytes (sipp keeps 64 KiB unless told), so a burst the peer sends after
    # a pause is not dropped at sipp
    if [ -n "${SIPP_BUFF:-}" ]; then
        UAC+=(-buff_size "$SIPP_BUFF"); UAS+=(-buff_size "$SIPP_BUFF")
    fi
}

wait_for() { # file pattern seconds
    local i
    for i in $(seq 1 $(( $3 * 5 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
    echo "timed out waiting for '$2' in $1"; return 1
}

heartbeat_nodes() { # port-key (udpPort, tcpPort, tlsPort, ...) session-id:port...: registers the nodes on 127.0.0.1 by
    # HTTP/JSON heartbeat (2610) and heartbeats them every 2 s until killed; run it in the background
    local key=$1 node; shift
    for node in "$@"; do
        curl -s -X POST http://127.0.0.1:2610/ -d '{"start":{"hostName":"b'"${node#*:}"'","ip":"127.0.0.1","'"$key"'":"'"${node#*:}"'","version":"1","sessionId":"'"${node%%:*}"'"}}' > /dev/null
    done
    while true; do
        sleep 2
        for node in "$@"; do curl -s -X POST http://127.0.0.1:2610/ -d '{"heartbeat":{"sessionId":'"${node%%:*}"'}}' > /dev/null; done
    done
}
