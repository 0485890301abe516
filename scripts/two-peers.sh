#!/usr/bin/env bash
# Two peerlink peers on this machine, without Docker: the same topology as docker-compose.yml.
#
#   scripts/two-peers.sh          build the jar if needed, start both peers, wait until they are
#                                 healthy and connected, print their peerIds, leave them running
#   scripts/two-peers.sh stop     stop both (by the PIDs in run/*.pid)
#
#   peer-a  peer port 127.0.0.2:5555  control API http://127.0.0.2:8080
#   peer-b  peer port 127.0.0.3:5555  control API http://127.0.0.3:8080, dials peer-a at start-up
#
# Data (identity keys) in run/peer-a and run/peer-b, logs in run/peer-a.log and run/peer-b.log.
# TWO_PEERS_HOST_A and TWO_PEERS_HOST_B move the peers to other loopback addresses (defaults
# 127.0.0.2 and 127.0.0.3), so that two checkouts can run their demos side by side.
# Any other PEERLINK_* variable in the environment (e.g. PEERLINK_API_TOKEN) reaches both peers.
# Needs Java 25 (JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64, else java on PATH) and curl.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run="$root/run"
peers=(peer-a peer-b)
declare -A address=([peer-a]=${TWO_PEERS_HOST_A:-127.0.0.2} [peer-b]=${TWO_PEERS_HOST_B:-127.0.0.3})
peer_port=5555
api_port=8080
healthy_timeout=${TWO_PEERS_TIMEOUT:-120}   # seconds, for each wait below

die() {
    echo "two-peers: $*" >&2
    exit 1
}

# The PID in run/<peer>.pid, if that process is still a peerlink java process; empty otherwise.
live_pid() {
    local file="$run/$1.pid" pid
    [[ -f $file ]] || return 0
    pid=$(<"$file")
    if [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] \
        && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'peerlink-.*\.jar'; then
        echo "$pid"
    fi
}

stop_peers() {
    local peer pid waited
    for peer in "${peers[@]}"; do
        pid=$(live_pid "$peer")
        if [[ -z $pid ]]; then
            rm -f "$run/$peer.pid"
            continue
        fi
        kill "$pid"   # SIGTERM: Spring's graceful shutdown says goodbye to connected peers
        waited=0
        while kill -0 "$pid" 2>/dev/null && ((waited < 300)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "two-peers: $peer (pid $pid) did not stop within 30 s, killing it" >&2
            kill -KILL "$pid"
        fi
        rm -f "$run/$peer.pid"
        echo "stopped $peer (pid $pid)"
    done
}

if [[ ${1:-} == stop ]]; then
    stop_peers
    exit 0
elif [[ $# -gt 0 ]]; then
    die "usage: $0 [stop]"
fi

# ---- Java 25 -------------------------------------------------------------------------------------
if [[ -z ${JAVA_HOME:-} && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [[ -n ${JAVA_HOME:-} ]]; then
    java="$JAVA_HOME/bin/java"
else
    java=$(command -v java) || die "no java: set JAVA_HOME to a Java 25 JDK"
fi
java_major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[[ ${java_major:-0} -ge 25 ]] 2>/dev/null || die "$java is Java ${java_major:-?}; peerlink needs Java 25 (set JAVA_HOME)"
command -v curl >/dev/null || die "curl is needed"

# ---- build once ----------------------------------------------------------------------------------
cd "$root"
find_jar() { compgen -G "target/peerlink-*.jar" | grep -v '\.original$' | head -n 1 || true; }
current=$(find_jar)
if [[ -z $current || -n $(find pom.xml src/main -newer "$current" -print -quit) ]]; then
    echo "building the jar: ./mvnw -B -q -DskipTests package"
    ./mvnw -B -q -DskipTests package
    current=$(find_jar)
    [[ -n $current ]] || die "the build made no target/peerlink-*.jar"
fi

# ---- start ---------------------------------------------------------------------------------------
mkdir -p "$run"
for peer in "${peers[@]}"; do
    [[ -z $(live_pid "$peer") ]] || die "$peer already runs (pid $(live_pid "$peer")); run '$0 stop' first"
    for port in $peer_port $api_port; do
        if { exec 3<>"/dev/tcp/${address[$peer]}/$port"; } 2>/dev/null; then
            exec 3<&-
            die "${address[$peer]}:$port is already in use (another peerlink? '$0 stop', or stop what listens there)"
        fi
    done
done

start_peer() {
    local peer=$1
    shift
    # nohup and no terminal: the peer outlives this script; its PID is the java process itself.
    env PEERLINK_LISTEN_HOST="${address[$peer]}" PEERLINK_LISTEN_PORT=$peer_port \
        PEERLINK_DATA_DIR="$run/$peer" SERVER_ADDRESS="${address[$peer]}" SERVER_PORT=$api_port "$@" \
        nohup "$java" --enable-native-access=ALL-UNNAMED -jar "$root/$current" >"$run/$peer.log" 2>&1 </dev/null &
    echo $! >"$run/$peer.pid"
    echo "started $peer (pid $!): peer port ${address[$peer]}:$peer_port, API http://${address[$peer]}:$api_port, log run/$peer.log"
}
start_peer peer-a
start_peer peer-b PEERLINK_CONNECT="${address[peer-a]}:$peer_port"

# ---- wait: healthy, then connected ---------------------------------------------------------------
auth=()
[[ -n ${PEERLINK_API_TOKEN:-} ]] && auth=(-H "Authorization: Bearer $PEERLINK_API_TOKEN")
api() { curl -fsS --max-time 10 "${auth[@]}" "http://${address[$1]}:$api_port$2"; }

deadline=$((SECONDS + healthy_timeout))
for peer in "${peers[@]}"; do
    until "$root/scripts/healthcheck.sh" "${address[$peer]}" $api_port 2>/dev/null; do
        # the PID just started (live_pid could still see the shell it forked from, before its exec)
        kill -0 "$(<"$run/$peer.pid")" 2>/dev/null || { tail -n 30 "$run/$peer.log" >&2; die "$peer exited; see run/$peer.log"; }
        ((SECONDS < deadline)) || { stop_peers; die "$peer was not healthy within ${healthy_timeout} s; see run/$peer.log"; }
        sleep 0.2
    done
    echo "$peer is healthy"
done

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
id_a=$(api peer-a /api/identity | json_field peerId)
id_b=$(api peer-b /api/identity | json_field peerId)

# peer-b dials peer-a at start-up (PEERLINK_CONNECT) and re-dials with back-off until it answers.
deadline=$((SECONDS + healthy_timeout))
until api peer-b "/api/peers/$id_a" 2>/dev/null | grep -q '"state":"CONNECTED"'; do
    ((SECONDS < deadline)) || { stop_peers; die "peer-b did not connect to peer-a within ${healthy_timeout} s"; }
    sleep 0.2
done
echo "peer-b is connected to peer-a"
echo
echo "peer-a  peerId $id_a  API http://${address[peer-a]}:$api_port"
echo "peer-b  peerId $id_b  API http://${address[peer-b]}:$api_port"
echo
echo "Try: curl -s -X POST http://${address[peer-b]}:$api_port/api/messages -H 'Content-Type: application/json' -d '{\"text\":\"hello\"}'"
echo "     curl -s 'http://${address[peer-a]}:$api_port/api/messages?after=0'"
echo "Stop: scripts/two-peers.sh stop"
