# Shell functions shared by the bench/*/run.sh scripts; sourced, not run.

cpu_ticks() { # sum of utime+stime of the given pids, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        read -r -a stat < /proc/$pid/stat || continue
        total=$(( total + stat[13] + stat[14] ))
    done
    echo $total
}

wait_for() { # file pattern seconds
    for i in $(seq 1 $(( $3 * 5 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
    echo "timed out waiting for '$2' in $1"; return 1
}
