#!/usr/bin/env bash
# A NAT lab in network namespaces: two homes behind their own NAT router and an "internet" between
# them, as issue 19's end-to-end tests build it (NatLab.java runs this script with another prefix).
#
#   scripts/nat-lab.sh up      build it (again: leftovers of an earlier lab are removed first)
#   scripts/nat-lab.sh down    end every process inside the lab's namespaces and delete them
#   scripts/nat-lab.sh status  list the lab's namespaces and their addresses
#
#   <p>-wan     the internet: bridge br0 with 198.18.0.1/24, and on it the addresses of peers with an
#               open port: 198.18.0.10 (relay R), 198.18.0.11 (relay R2), 198.18.0.20 (any other);
#               it routes nothing towards the homes
#   <p>-nat-a   home A's router: wan0 198.18.0.2/24 (its public address), lan0 198.18.1.1/24,
#               MASQUERADE out of wan0, and from wan0 into the home only replies (conntrack)
#   <p>-a       home A's host: eth0 198.18.1.2/24, default route via 198.18.1.1
#   <p>-nat-b   home B's router: wan0 198.18.0.3/24, lan0 198.18.2.1/24, as nat-a
#   <p>-b       home B's host: eth0 198.18.2.2/24, default route via 198.18.2.1
#
# A and B reach the wan (R), but neither can reach the other: a home's address is not routed on the
# wan, and the other router's public address forwards nothing in. Every interface and rule lives
# inside these namespaces (both ends of every veth pair are created in them): nothing in the root
# namespace changes. Addresses come from 198.18.0.0/15 only (RFC 2544, set aside for such labs).
#
# Needs root, iproute2 and iptables (nft or legacy backend, whichever works inside a namespace).
# NAT_LAB_PREFIX names the namespaces (default plnat; the tests use their own).
set -euo pipefail

prefix="${NAT_LAB_PREFIX:-plnat}"
if [[ ! "$prefix" =~ ^[a-z][a-z0-9]{1,9}$ ]]; then
    echo "NAT_LAB_PREFIX must be 2-10 lowercase letters or digits, got '$prefix'" >&2
    exit 2
fi
WAN="$prefix-wan"
NAT_A="$prefix-nat-a"
NAT_B="$prefix-nat-b"
HOME_A="$prefix-a"
HOME_B="$prefix-b"
ALL=("$HOME_A" "$HOME_B" "$NAT_A" "$NAT_B" "$WAN")

die() {
    echo "nat-lab: $*" >&2
    exit 1
}

# Which iptables works inside a namespace here: nft first (Debian's default), then legacy.
choose_iptables() {
    local probe="$prefix-probe" candidate
    ip netns del "$probe" 2>/dev/null || true
    ip netns add "$probe"
    for candidate in iptables-nft iptables-legacy iptables; do
        if command -v "$candidate" >/dev/null \
                && ip netns exec "$probe" "$candidate" -t nat -A POSTROUTING -o lo -j MASQUERADE 2>/dev/null \
                && ip netns exec "$probe" "$candidate" -t nat -S POSTROUTING 2>/dev/null | grep -q MASQUERADE; then
            ip netns del "$probe"
            echo "$candidate"
            return
        fi
    done
    ip netns del "$probe"
    die "no iptables with a working nat table inside a network namespace (apt-get install iptables)"
}

down() {
    local ns pid
    for ns in "${ALL[@]}" "$prefix-probe"; do
        if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
            # the processes started inside (peers, forwarders), by their ids, then the namespace
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -KILL "$pid" 2>/dev/null || true
            done
            ip netns del "$ns"
        fi
    done
}

router() { # router <ns> <public address> <home subnet /24 prefix, e.g. 198.18.1> <wan port name>
    local ns="$1" public="$2" home="$3" port="$4"
    ip -n "$ns" link add wan0 type veth peer name "$port" netns "$WAN"
    ip -n "$WAN" link set "$port" master br0 up
    ip -n "$ns" addr add "$public/24" dev wan0
    ip -n "$ns" link set wan0 up
    ip -n "$ns" route add default via 198.18.0.1
    ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
    # the home: lan0 here, eth0 in the home's namespace
    local host_ns="$5"
    ip -n "$ns" link add lan0 type veth peer name eth0 netns "$host_ns"
    ip -n "$ns" addr add "$home.1/24" dev lan0
    ip -n "$ns" link set lan0 up
    ip -n "$host_ns" addr add "$home.2/24" dev eth0
    ip -n "$host_ns" link set eth0 up
    ip -n "$host_ns" route add default via "$home.1"
    # a home router: out with the router's address, in only what answers a connection from inside
    ip netns exec "$ns" "$IPTABLES" -t nat -A POSTROUTING -s "$home.0/24" -o wan0 -j MASQUERADE
    ip netns exec "$ns" "$IPTABLES" -P FORWARD DROP
    ip netns exec "$ns" "$IPTABLES" -A FORWARD -i lan0 -o wan0 -j ACCEPT
    ip netns exec "$ns" "$IPTABLES" -A FORWARD -i wan0 -o lan0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
}

up() {
    [[ $(id -u) -eq 0 ]] || die "needs root (ip netns, iptables)"
    command -v ip >/dev/null || die "ip not found (apt-get install iproute2)"
    down
    IPTABLES=$(choose_iptables)
    local ns
    for ns in "${ALL[@]}"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip -n "$WAN" link add br0 type bridge
    ip -n "$WAN" addr add 198.18.0.1/24 dev br0
    ip -n "$WAN" addr add 198.18.0.10/24 dev br0
    ip -n "$WAN" addr add 198.18.0.11/24 dev br0
    ip -n "$WAN" addr add 198.18.0.20/24 dev br0
    ip -n "$WAN" link set br0 up
    router "$NAT_A" 198.18.0.2 198.18.1 nata "$HOME_A"
    router "$NAT_B" 198.18.0.3 198.18.2 natb "$HOME_B"
    # the lab works: each home reaches the wan through its router (nothing listens on port 9 there,
    # so a refused connection is the answer that came back)
    # (the bridge's ports may take a moment to forward: up to 10 tries)
    local try
    for ns in "$HOME_A" "$HOME_B"; do
        for try in 1 2 3 4 5 6 7 8 9 10; do
            if [[ $(ip netns exec "$ns" timeout 2 bash -c 'exec 3<>/dev/tcp/198.18.0.10/9' 2>&1) == *refused* ]]; then
                continue 2
            fi
            sleep 0.5
        done
        die "$ns cannot reach 198.18.0.10 through its router"
    done
    echo "nat-lab up ($IPTABLES): ${ALL[*]}"
}

status() {
    local ns
    for ns in "${ALL[@]}"; do
        if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
            echo "$ns: $(ip -n "$ns" -4 -o addr show | awk '$2 != "lo" {printf "%s %s  ", $2, $4}')"
        else
            echo "$ns: absent"
        fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down; echo "nat-lab down: ${ALL[*]}" ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
