#!/usr/bin/env bash
# Exits 0 when a peer's /actuator/health answers 200 with "status":"UP", non-zero otherwise.
#
#   scripts/healthcheck.sh [host] [port]      defaults: 127.0.0.1 and $SERVER_PORT, else 8080
#
# The Docker image's HEALTHCHECK runs this very file: the Temurin JRE image has neither curl nor
# wget, so it speaks HTTP/1.0 over bash's /dev/tcp. The end-to-end test runs it against a live peer
# and against a dead port. Each read gives up after 5 s, so a hung server fails the check too.
set -u

host=${1:-127.0.0.1}
port=${2:-${SERVER_PORT:-8080}}

fail() {
    echo "healthcheck: http://$host:$port/actuator/health: $*" >&2
    exit 1
}

{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || fail "cannot connect"
printf 'GET /actuator/health HTTP/1.0\r\nHost: %s:%s\r\nAccept: application/json\r\n\r\n' "$host" "$port" >&3 \
    || fail "cannot send the request"

# The status line first: a DOWN or OUT_OF_SERVICE peer answers 503.
IFS= read -r -t 5 status_line <&3 || fail "no status line"
status_line=${status_line%$'\r'}
[[ $status_line =~ ^HTTP/1\.[01]\ 200 ]] || fail "$status_line"

# Then headers and body up to EOF (HTTP/1.0: the server closes the connection). read returns 1 at
# EOF, which is expected, and more than 128 when it times out.
IFS= read -r -d '' -t 5 rest <&3
(($? > 128)) && fail "timed out reading the response"
exec 3<&-
[[ $rest == *'"status":"UP"'* ]] || fail "status is not UP"
