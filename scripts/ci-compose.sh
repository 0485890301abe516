#!/usr/bin/env bash
# README's first command, run for real: builds the image, starts docker-compose.yml's two peers,
# drives a walk-through over the published API ports, and tears everything down again. .ci/run
# calls it; it runs on a fresh Debian 12 machine as root, and on any machine with a Docker engine.
#
#   scripts/ci-compose.sh                   run it, check README's relay walk-through
#   scripts/ci-compose.sh --update-readme   the same, but write what the walk-through's commands
#                                           printed into README.md (its outputs, from one run)
#
#   1. Installs Debian's docker.io (Docker 20.10, with containerd, runc and iptables), docker-compose
#      (1.29) and debootstrap if they are missing.
#   2. Starts dockerd if no engine answers (log in target/ci-compose/dockerd.log), and stops it again
#      at the end, together with what it added to the host: the docker0 bridge, its iptables rules
#      and chains, the FORWARD policy and net.ipv4.ip_forward as they were before.
#   3. The Dockerfile's base images (eclipse-temurin:25-jdk-noble, eclipse-temurin:25-jre-noble):
#      kept if present, else pulled; where no image registry answers (CI), a stand-in is built and
#      tagged as both: a Debian bookworm minbase root (debootstrap) with this machine's Temurin 25
#      JDK in /opt/java/openjdk and its CA certificates, `docker import`ed with JAVA_HOME and PATH
#      set. Stand-ins carry the label org.peerlink.stand-in and are kept for the next run
#      (remove them with: docker rmi eclipse-temurin:25-jdk-noble eclipse-temurin:25-jre-noble).
#   4. docker-compose up -d --build (project name peerlink-ci), waits until the relay and both peers
#      are healthy, then drives README's relay walk-through over http://127.0.0.1:8081 (peer-a),
#      :8082 (peer-b) and :8083 (the relay): peer-a cannot open a TCP connection to peer-b (by name
#      or address; both can to the relay), both reserve a slot on the relay, peer-b's invite names
#      the relay and no direct address, peer-a connects with it, both see the connection as via the
#      relay, a message each way turns DELIVERED and is in the other's inbox, and the relay's log
#      and data directory hold neither text. Where a peer keeps an API token in its data directory
#      (/data/api-token), every request sends it as `Authorization: Bearer`.
#   5. docker-compose down -v --rmi all: the containers, the network, the volumes and the
#      peerlink:local image; also when a step fails (then the peers' logs are printed first).
#
# Every wait is bounded. Logs: target/ci-compose/. Environment: DEBIAN_MIRROR (default: the
# Debian mirror of /etc/apt/sources.list*), TEMURIN_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail

update_readme=false
case ${1:-} in
    '') ;;
    --update-readme) update_readme=true ;;
    *) echo "usage: scripts/ci-compose.sh [--update-readme]" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

readonly project=peerlink-ci
readonly docker=/usr/bin/docker   # Debian's 20.10 client: BuildKit built in (a newer client may need buildx)
# the ports docker-compose.yml publishes
readonly api_a=http://127.0.0.1:8081 api_b=http://127.0.0.1:8082 api_relay=http://127.0.0.1:8083
readonly token_file=/data/api-token
readonly temurin=${TEMURIN_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
logs="$root/target/ci-compose"
work=$(mktemp -d /tmp/peerlink-ci-compose.XXXXXX)
mkdir -p "$logs" "$work/bin"
started=$SECONDS

step() { printf 'ci-compose [%3ds] %s\n' $((SECONDS - started)) "$*"; }
die() {
    echo "ci-compose: $*" >&2
    exit 1
}

# docker-compose 1.29 builds through the `docker` on PATH when COMPOSE_DOCKER_CLI_BUILD=1 (BuildKit,
# for the Dockerfile's cache mount and COPY --chmod): make that Debian's client. README's commands
# say `docker compose` (Compose v2): the same `docker` hands those to docker-compose (v1), and
# COMPOSE_PROJECT_NAME points them at this script's project.
cat >"$work/bin/docker" <<EOF
#!/bin/sh
if [ "\$1" = compose ]; then shift; exec docker-compose "\$@"; fi
exec $docker "\$@"
EOF
chmod +x "$work/bin/docker"
export PATH="$work/bin:$PATH" DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 COMPOSE_PROJECT_NAME=$project
compose() {
    local seconds=$1
    shift
    timeout "$seconds" docker-compose --project-name "$project" --file docker-compose.yml "$@"
}

# A debootstrap that fails half-way can leave /proc, /sys or /dev mounted in its root: unmount
# whatever is mounted under the work directory before removing it, and never cross into a mount.
remove_work_dir() {
    local mount_point
    for mount_point in $(awk -v dir="$work/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount -l "$mount_point"
    done
    rm -rf --one-file-system "$work"
}

# ---- teardown (EXIT trap): compose project, dockerd if this script started it, temporary files ----
compose_up=false
dockerd_pid=
teardown() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    if $compose_up; then
        if ((status != 0)); then
            echo "ci-compose: failed; the peers' last log lines:" >&2
            compose 60 logs --no-color --tail=60 >&2
        fi
        step "docker-compose down -v --rmi all"
        compose 180 down --volumes --rmi all --remove-orphans >>"$logs/compose.log" 2>&1 \
            || echo "ci-compose: docker-compose down failed (see $logs/compose.log)" >&2
    fi
    [[ -n $dockerd_pid ]] && stop_dockerd
    remove_work_dir
    if ((status == 0)); then
        step "done"
    else
        echo "ci-compose: FAILED after $((SECONDS - started)) s (logs in $logs)" >&2
    fi
    exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The API ports docker-compose.yml publishes must be free (checked before anything starts).
for url in "$api_a" "$api_b" "$api_relay"; do
    port=${url##*:}
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "127.0.0.1:$port (published by docker-compose.yml) is already in use: $(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
    fi
done

# ---- 1. packages ---------------------------------------------------------------------------------
packages=()
[[ -x $docker && -x /usr/sbin/dockerd ]] || packages+=(docker.io)
command -v docker-compose >/dev/null || packages+=(docker-compose)
command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] || packages+=(debootstrap)
command -v curl >/dev/null || packages+=(curl)
if ((${#packages[@]})); then
    step "installing ${packages[*]}"
    ((EUID == 0)) || die "installing ${packages[*]} needs root"
    timeout 300 apt-get update -qq >"$logs/apt.log" 2>&1 || die "apt-get update failed (see $logs/apt.log)"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=120 "${packages[@]}" >>"$logs/apt.log" 2>&1 \
        || die "apt-get install ${packages[*]} failed (see $logs/apt.log)"
fi

# ---- 2. the Docker engine ------------------------------------------------------------------------
# What dockerd changes on the host, to put back when it stops (only if this script starts it).
ip_forward_before=
forward_policy_before=
docker0_before=false

start_dockerd() {
    ((EUID == 0)) || die "no Docker engine answers, and starting dockerd needs root"
    ip_forward_before=$(</proc/sys/net/ipv4/ip_forward)
    forward_policy_before=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')
    ip link show docker0 >/dev/null 2>&1 && docker0_before=true
    step "starting dockerd (log: $logs/dockerd.log)"
    /usr/sbin/dockerd >"$logs/dockerd.log" 2>&1 &
    dockerd_pid=$!
    local waited=0
    until "$docker" info >/dev/null 2>&1; do
        kill -0 "$dockerd_pid" 2>/dev/null || {
            dockerd_pid=
            tail -n 20 "$logs/dockerd.log" >&2
            die "dockerd exited at start-up"
        }
        ((waited < 600)) || die "dockerd did not answer within 60 s"
        sleep 0.1
        waited=$((waited + 1))
    done
}

stop_dockerd() {
    local waited=0 containerd_pid
    containerd_pid=$(cat /var/run/docker/containerd/containerd.pid 2>/dev/null || true)
    step "stopping dockerd (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null
    while kill -0 "$dockerd_pid" 2>/dev/null && ((waited < 600)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
        echo "ci-compose: dockerd did not stop within 60 s, killing it" >&2
        kill -KILL "$dockerd_pid"
        # dockerd's own containerd, which it would have stopped itself.
        if [[ $containerd_pid =~ ^[0-9]+$ ]] && kill -0 "$containerd_pid" 2>/dev/null; then
            kill -KILL "$containerd_pid"
        fi
    fi
    wait "$dockerd_pid" 2>/dev/null
    dockerd_pid=
    restore_host_network
}

# dockerd leaves its bridge, its iptables chains and rules, the FORWARD policy DROP and ip_forward=1
# behind when it stops. Remove exactly those (rules naming a DOCKER chain or docker0), nothing else.
restore_host_network() {
    local table line chain
    local -a rule
    for table in filter nat; do
        iptables -t "$table" -S 2>/dev/null | grep -E '^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) .*(DOCKER|docker0)' \
            | while IFS= read -r line; do
                read -r -a rule <<<"${line#-A }"
                iptables -t "$table" -D "${rule[@]}"
            done
        for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
            iptables -t "$table" -F "$chain"
        done
        for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }'); do
            iptables -t "$table" -X "$chain"
        done
    done
    [[ -n $forward_policy_before ]] && iptables -P FORWARD "$forward_policy_before"
    [[ -n $ip_forward_before ]] && echo "$ip_forward_before" >/proc/sys/net/ipv4/ip_forward
    if ! $docker0_before && ip link show docker0 >/dev/null 2>&1; then
        ip link delete docker0
    fi
}

if "$docker" info >/dev/null 2>&1; then
    step "using the running Docker engine ($("$docker" version --format '{{.Server.Version}}'))"
else
    start_dockerd
    step "dockerd $("$docker" version --format '{{.Server.Version}}') is up"
fi

# ---- 3. base images: present, pulled, or stand-ins -------------------------------------------------
# The Debian mirror this machine's apt uses (deb822 "URIs:" or one-line "deb" entries).
debian_mirror() {
    if [[ -n ${DEBIAN_MIRROR:-} ]]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local uri
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | sed -E -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
        | tr ' ' '\n' | grep -E '^(https?|file)://.*/debian/?$' | head -n 1 || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

build_stand_in() {
    local tag=$1 rootfs="$work/rootfs" mirror cacerts_link
    [[ -x $temurin/bin/java ]] || die "no Temurin 25 JDK at $temurin for the stand-in (set TEMURIN_HOME)"
    mirror=$(debian_mirror)
    step "building a stand-in for $tag: debootstrap --variant=minbase bookworm from $mirror (log: $logs/debootstrap.log)"
    timeout 900 debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$logs/debootstrap.log" 2>&1 \
        || die "debootstrap failed (see $logs/debootstrap.log)"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    mkdir -p "$rootfs/opt/java"
    cp -a "$temurin" "$rootfs/opt/java/openjdk"
    # The JDK's cacerts is a symlink to the system's Java trust store (Debian's ca-certificates-java):
    # the same file at the same place, and the PEM bundle for anything else.
    cacerts_link=$(readlink "$temurin/lib/security/cacerts" || true)
    if [[ $cacerts_link == /* ]]; then
        install -D -m 0644 "$(readlink -f "$temurin/lib/security/cacerts")" "$rootfs$cacerts_link"
    fi
    [[ -s $rootfs/opt/java/openjdk/lib/security/cacerts ]] || die "the stand-in has no Java CA certificates"
    if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
        install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    fi
    tar -C "$rootfs" -c . | timeout 600 "$docker" import \
        --change 'ENV JAVA_HOME=/opt/java/openjdk' \
        --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'LABEL org.peerlink.stand-in="Debian bookworm minbase with the CI machine'"'"'s Temurin 25 JDK"' \
        - "$tag" >/dev/null
    rm -rf --one-file-system "$rootfs"
}

stand_in=
for image in $(awk 'toupper($1) == "FROM" { print $2 }' Dockerfile | sort -u); do
    if "$docker" image inspect "$image" >/dev/null 2>&1; then
        step "base image $image is present"
    elif timeout 600 "$docker" pull --quiet "$image" >>"$logs/pull.log" 2>&1; then
        step "pulled $image"
    elif [[ -n $stand_in ]]; then
        "$docker" tag "$stand_in" "$image"
        step "no registry: tagged the stand-in as $image too"
    else
        step "no registry answers for $image ($(tail -n 1 "$logs/pull.log"))"
        build_stand_in "$image"
        stand_in=$image
    fi
done

# ---- 4. up, healthy, walk-through --------------------------------------------------------------------
# The image's Maven step keeps ~/.m2 in a BuildKit cache mount (id /root/.m2), empty on a fresh
# machine. Where this machine has a Maven repository (CI ran ./mvnw -B verify just before), copy it
# and the wrapper's Maven into that cache mount first: the build then downloads only what is
# missing. The copy runs again only when the repository changed (BuildKit caches the step).
seed_maven_cache() {
    local m2=${HOME:-/root}/.m2 build_image
    if [[ ! -d $m2/repository ]]; then
        step "no $m2/repository here: the image's Maven step downloads every dependency"
        return
    fi
    build_image=$(awk 'toupper($1) == "FROM" && toupper($3) == "AS" && $4 == "build" { print $2 }' Dockerfile)
    step "seeding the image build's Maven cache mount from $m2 (log: $logs/seed.log)"
    if timeout 600 "$docker" build --tag "$project-maven-seed" --file - "$m2" >"$logs/seed.log" 2>&1 <<EOF
FROM $build_image
RUN --mount=type=cache,target=/root/.m2 --mount=type=bind,target=/seed \\
    cp -a /seed/repository /root/.m2/ && if [ -d /seed/wrapper ]; then cp -a /seed/wrapper /root/.m2/; fi
EOF
    then
        "$docker" rmi "$project-maven-seed" >/dev/null
    else
        echo "ci-compose: seeding the Maven cache failed (see $logs/seed.log); the build downloads instead" >&2
    fi
}
seed_maven_cache

step "docker-compose up -d --build (log: $logs/compose.log)"
compose_up=true
if ! compose 1200 up --detach --build >"$logs/compose.log" 2>&1; then
    tail -n 40 "$logs/compose.log" >&2
    die "docker-compose up failed"
fi

readonly services=(relay peer-a peer-b)
declare -A container
for service in "${services[@]}"; do
    container[$service]=$(compose 60 ps -q "$service")
    [[ -n ${container[$service]} ]] || die "docker-compose up created no $service container"
done
health() {
    "$docker" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
        "${container[$1]}"
}
for service in "${services[@]}"; do
    waited=0
    until [[ $(health "$service") == healthy ]]; do
        ((waited < 180)) || die "$service is not healthy after 180 s: $(health "$service")"
        sleep 1
        waited=$((waited + 1))
    done
    step "$service is healthy"
done

# The API token a peer keeps in its data directory, if it has one (empty otherwise).
api_token() {
    timeout 30 "$docker" exec "${container[$1]}" sh -c "if [ -r $token_file ]; then cat $token_file; fi" \
        | tr -d '[:space:]'
}
token_a=$(api_token peer-a)
token_b=$(api_token peer-b)
token_relay=$(api_token relay)
describe_token() {
    if [[ -n $1 ]]; then echo "its token from $token_file"; else echo "no token"; fi
}
step "relay: $(describe_token "$token_relay"), peer-a: $(describe_token "$token_a"), peer-b: $(describe_token "$token_b")"

# request TOKEN METHOD URL [JSON]: sets http_status and http_body.
request() {
    local token=$1 method=$2 url=$3 json=${4-}
    local -a args=(--silent --show-error --max-time 10 --output "$work/body" --write-out '%{http_code}' --request "$method")
    if [[ -n $token ]]; then   # from a file, so that the token never shows in a command line
        printf 'Authorization: Bearer %s\n' "$token" >"$work/authorization"
        args+=(--header "@$work/authorization")
    fi
    [[ -n $json ]] && args+=(--header 'Content-Type: application/json' --data "$json")
    rm -f "$work/body"
    http_status=$(curl "${args[@]}" "$url" 2>"$work/curl.err") || http_status="000 ($(<"$work/curl.err"))"
    http_body=$(cat "$work/body" 2>/dev/null || true)
}
expect() {
    local wanted=$1 what=$2
    [[ $http_status == "$wanted" ]] || die "$what: HTTP $http_status, expected $wanted: ${http_body:0:400}"
}
# The first string value of a JSON field in the last answer ("" when absent or not a string).
field() {
    grep -o "\"$1\":\"[^\"]*\"" <<<"$http_body" | head -n 1 | cut -d'"' -f4 || true
}

# A peer with a token refuses a request without it.
for service in "${services[@]}"; do
    case $service in
        relay) token=$token_relay api=$api_relay ;;
        peer-a) token=$token_a api=$api_a ;;
        peer-b) token=$token_b api=$api_b ;;
    esac
    if [[ -n $token ]]; then
        request "" GET "$api/api/identity"
        expect 401 "GET $api/api/identity without the token"
        step "$service refuses a request without its token (401)"
    fi
done

# ---- the two homes cannot reach each other; both reach the relay ----------------------------------
# tcp_connect SERVICE HOST PORT: whether SERVICE's container opens a TCP connection to HOST:PORT
# within 3 s (bash's /dev/tcp; the image has no curl or nc).
tcp_connect() {
    timeout 30 "$docker" exec "${container[$1]}" \
        bash -c "timeout 3 bash -c 'exec 3<>/dev/tcp/$2/$3' 2>/dev/null"
}
b_addresses=$("$docker" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "${container[peer-b]}")
[[ -n ${b_addresses// /} ]] || die "peer-b has no address"
for target in peer-b $b_addresses; do
    if tcp_connect peer-a "$target" 5555; then
        die "peer-a opened a TCP connection to $target:5555 (peer-b): the two homes are not apart"
    fi
done
for service in peer-a peer-b; do
    tcp_connect "$service" relay 5555 || die "$service cannot open a TCP connection to relay:5555"
done
step "peer-a cannot open a TCP connection to peer-b (peer-b, $b_addresses); both reach relay:5555"

# ---- identities, reservations, the invite with the relay --------------------------------------------
identity() {   # identity NAME TOKEN API: sets id
    request "$2" GET "$3/api/identity"
    expect 200 "GET $3/api/identity"
    id=$(field peerId)
    [[ $id =~ ^[0-9a-f]{64}$ ]] || die "$1's identity has no peerId: ${http_body:0:400}"
}
identity relay "$token_relay" "$api_relay"
relay_id=$id
identity peer-a "$token_a" "$api_a"
a_id=$id
identity peer-b "$token_b" "$api_b"
b_id=$id
[[ $(printf '%s\n' "$relay_id" "$a_id" "$b_id" | sort -u | wc -l) == 3 ]] || die "two of the three have the same peerId"
step "relay is $relay_id, peer-a is $a_id, peer-b is $b_id"

# Each peer dials the relay it names (PEERLINK_RELAYS) and reserves a slot: GET /api/identity shows
# the relay, pinned to the identity that answered there, as RESERVED.
for peer in a b; do
    token_var=token_$peer api_var=api_$peer
    waited=0
    while :; do
        request "${!token_var}" GET "${!api_var}/api/identity"
        relays=$(grep -o '"relays":\[[^]]*\]' <<<"$http_body" || true)
        [[ $relays == *"\"relayId\":\"$relay_id\""* && $relays == *'"state":"RESERVED"'* ]] && break
        ((waited < 60)) || die "peer-$peer has no reservation on the relay after 60 s: ${http_body:0:600}"
        sleep 1
        waited=$((waited + 1))
    done
    [[ $peer == b ]] && invite_b=$(field invite)
done
step "peer-a and peer-b reserved a slot on the relay"

# ---- README's relay walk-through: its commands, in one bash, from fresh containers -----------------
if $update_readme; then
    step "README's relay walk-through, writing its outputs into README.md"
    scripts/check-readme.sh --section relay-walkthrough --update README.md
else
    step "README's relay walk-through (scripts/check-readme.sh --section relay-walkthrough)"
    scripts/check-readme.sh --section relay-walkthrough README.md >"$logs/check-readme.log" 2>&1 \
        || { cat "$logs/check-readme.log" >&2; die "README's relay walk-through failed"; }
fi

# peer-b advertises no address (it has none anyone could reach): its invite names only the relay.
[[ $invite_b == "peerlink://$b_id?relay=$relay_id@relay:5555" ]] || die "peer-b's invite is $invite_b"
step "peer-b's invite: $invite_b"

# ---- peer-a connects with it: a circuit through the relay -------------------------------------------
request "$token_a" POST "$api_a/api/peers" "{\"invite\":\"$invite_b\"}"
[[ $http_status == 201 || $http_status == 200 ]] || die "POST $api_a/api/peers with peer-b's invite: HTTP $http_status: ${http_body:0:400}"
step "peer-a connected with peer-b's invite (HTTP $http_status)"

# peer_route NAME TOKEN API PEER: GET the peer, wait until CONNECTED, check it is via the relay.
peer_route() {
    local waited=0
    while :; do
        request "$2" GET "$3/api/peers/$4"
        [[ $http_status == 200 && $(field state) == CONNECTED ]] && break
        ((waited < 60)) || die "$1 does not see the other peer connected after 60 s: HTTP $http_status ${http_body:0:400}"
        sleep 1
        waited=$((waited + 1))
    done
    [[ $(field route) == relay && $(field relayId) == "$relay_id" ]] \
        || die "$1 sees the other peer connected, but not via the relay: ${http_body:0:600}"
    step "$1 sees the other peer CONNECTED via the relay ($(field direction), relayId ${relay_id:0:12}...)"
}
peer_route peer-a "$token_a" "$api_a" "$b_id"
peer_route peer-b "$token_b" "$api_b" "$a_id"

# ---- a message each way, DELIVERED only after the far end's ACK ---------------------------------------
# send NAME TOKEN API TO: sends a fresh text, waits for DELIVERED; sets text and message_id.
send() {
    text="Hello from $1 through the relay ($(date -u +%FT%TZ), $RANDOM)"
    request "$2" POST "$3/api/messages" "{\"to\":\"$4\",\"text\":\"$text\"}"
    expect 202 "POST $3/api/messages"
    message_id=$(field id)
    [[ -n $message_id ]] || die "the send answered no id: ${http_body:0:400}"
    local waited=0 status
    while :; do
        request "$2" GET "$3/api/messages/$message_id"
        expect 200 "GET $3/api/messages/$message_id"
        status=$(field status)
        [[ $status == DELIVERED ]] && break
        [[ $status == FAILED ]] && die "$1's message FAILED: ${http_body:0:400}"
        ((waited < 300)) || die "$1's message is $status, not DELIVERED, after 30 s"
        sleep 0.1
        waited=$((waited + 1))
    done
    step "$1's message $message_id is DELIVERED"
}
# in_inbox NAME TOKEN API FROM: the last message sent is in NAME's inbox, from FROM.
in_inbox() {
    request "$2" GET "$3/api/messages?after=0&from=$4"
    expect 200 "GET $3/api/messages"
    grep -qF "\"id\":\"$message_id\"" <<<"$http_body" && grep -qF "\"text\":\"$text\"" <<<"$http_body" \
        || die "$1's inbox lacks the message: ${http_body:0:400}"
    step "$1's inbox has it: \"$text\""
}
texts=()
send peer-a "$token_a" "$api_a" "$b_id"
in_inbox peer-b "$token_b" "$api_b" "$a_id"
texts+=("$text")
send peer-b "$token_b" "$api_b" "$a_id"
in_inbox peer-a "$token_a" "$api_a" "$b_id"
texts+=("$text")

# ---- the relay copied ciphertext only ----------------------------------------------------------------
# Neither text is in the relay's log or anywhere in its data directory (database, WAL).
compose 60 logs --no-color relay >"$logs/relay.log" 2>&1
for t in "${texts[@]}"; do
    ! grep -qF "$t" "$logs/relay.log" || die "the relay's log holds a message text: $t"
    if timeout 30 "$docker" exec "${container[relay]}" grep -rqF "$t" /data; then
        die "the relay's data directory holds a message text: $t"
    fi
done
step "the relay's log and data directory hold neither text"
