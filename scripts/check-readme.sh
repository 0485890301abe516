#!/usr/bin/env bash
# Runs README.md's curl walk-through against the peers of scripts/two-peers.sh, so that it cannot
# silently rot (.ci/run calls it).
#
#   scripts/check-readme.sh [README.md]            check
#   scripts/check-readme.sh --update [README.md]   run the same commands and write what they printed
#                                                  into README.md (scripts/regen-readme.sh does the
#                                                  whole regeneration from fresh peers)
#   scripts/check-readme.sh --section relay-walkthrough [--update] [README.md]
#                                                  the same for another section: the compose relay
#                                                  walk-through, which scripts/ci-compose.sh runs
#                                                  against its containers (and regenerates with
#                                                  --update-readme)
#
# The walk-through is the text between <!-- walkthrough --> and <!-- /walkthrough --> (with
# --section NAME, between <!-- NAME --> and <!-- /NAME -->). In it, a line
# starting with "$ " is a command; the lines after it, up to the next command or the end of the code
# block, are the output the README shows. All commands run in order in one bash. A command passes
# when it exits 0 and its output has every JSON field name ("name":) and HTTP status line of the
# shown output: the values (ids, keys, times) differ from run to run, the shape must not.
#
# The ids must also agree from step to step, as they do in one run: README.md may show peer-a's
# peerId, a message id, a fingerprint or a safety number with any value, but always the same one
# for the same thing. Checked twice: in README.md alone (two peers: at most two peerIds, the ones
# the two-peers.sh sample prints, and fingerprints that are those peerIds), and against the run (each
# id README.md shows stands for one id of the run, and each id of the run for one README.md shows,
# the ids of the two-peers.sh sample standing for the running peers').
#
# README.md shows the peers at 127.0.0.2 and 127.0.0.3; with TWO_PEERS_HOST_A / TWO_PEERS_HOST_B
# (as for two-peers.sh) the commands go to those addresses instead, and --update writes the
# addresses back as README.md shows them. --update shortens each PEM key to its first 12 characters.
set -euo pipefail

update=0
section=walkthrough
while [[ ${1:-} == --* ]]; do
    case $1 in
        --update) update=1; shift ;;
        --section) section=${2:?--section needs a name}; shift 2 ;;
        *) echo "check-readme: unknown option $1" >&2; exit 2 ;;
    esac
done
# the two-peers.sh walk-through: its ids are those of the two-peers.sh sample
two_peers=false
[[ $section == walkthrough ]] && two_peers=true
readme=${1:-"$(dirname "${BASH_SOURCE[0]}")/../README.md"}
readme_a=127.0.0.2
readme_b=127.0.0.3
host_a=${TWO_PEERS_HOST_A:-$readme_a}
host_b=${TWO_PEERS_HOST_B:-$readme_b}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# README's addresses to the running peers' (commands), and back (outputs written by --update).
to_run() { sed -e "s/${readme_a//./\\.}\b/$host_a/g" -e "s/${readme_b//./\\.}\b/$host_b/g"; }
to_readme() {
    tr -d '\r' | sed -E -e "s/${host_a//./\\.}\b/$readme_a/g" -e "s/${host_b//./\\.}\b/$readme_b/g" \
        -e 's/(-----BEGIN PUBLIC KEY-----\\n[A-Za-z0-9+\/=]{12})[A-Za-z0-9+\/=\\]*n-----END/\1...\\n-----END/g'
}
# The ids in a text, in order: message UUIDs, peerIds, fingerprints and safety numbers (spaces as _).
ids() {
    grep -ohE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}|([0-9a-f]{4} ){15}[0-9a-f]{4}|([0-9]{5} ){11}[0-9]{5}' "$@" \
        | tr ' ' '_' || true
}

# Split the walk-through into $work/N.cmd and $work/N.expected.
awk -v dir="$work" -v begin_marker="<!-- $section -->" -v end_marker="<!-- /$section -->" '
    $0 == begin_marker { on = 1; next }
    $0 == end_marker   { on = 0; next }
    !on { next }
    /^```/ { inblock = !inblock; next }
    !inblock { next }
    /^\$ / { n++; print substr($0, 3) > (dir "/" n ".cmd"); printf "" > (dir "/" n ".expected"); next }
    n { print >> (dir "/" n ".expected") }
' "$readme"

count=$(find "$work" -name '*.cmd' | wc -l)
((count > 0)) || { echo "check-readme: no walk-through commands found in $readme" >&2; exit 1; }

# The two peerIds of the two-peers.sh sample ("peer-a  peerId <id>  API ...").
sample_id() { sed -nE "s/^$1  peerId ([0-9a-f]{64}) .*/\\1/p" "$readme" | head -n 1; }
sample_a=$(sample_id peer-a)
sample_b=$(sample_id peer-b)

# ---- README.md alone: one peerId per peer -------------------------------------------------------
if ((update == 0)) && $two_peers; then
    [[ -n $sample_a && -n $sample_b ]] || { echo "check-readme: no 'peer-a  peerId' / 'peer-b  peerId' lines in the two-peers.sh sample" >&2; exit 1; }
    fingerprint() { sed -E 's/(....)/\1_/g; s/_$//' <<<"$1"; }
    strays=$(ids "$work"/*.expected "$work"/*.cmd | sort -u | while read -r id; do
        if [[ $id =~ ^[0-9a-f]{64}$ ]]; then
            [[ $id == "$sample_a" || $id == "$sample_b" ]] || echo "peerId $id"
        elif [[ $id =~ ^([0-9a-f]{4}_){15}[0-9a-f]{4}$ ]]; then
            [[ $id == "$(fingerprint "$sample_a")" || $id == "$(fingerprint "$sample_b")" ]] || echo "fingerprint ${id//_/ }"
        fi
    done)
    if [[ -n $strays ]]; then
        echo "check-readme: the walk-through shows ids of neither peer-a ($sample_a) nor peer-b ($sample_b), as the two-peers.sh sample prints them:" >&2
        echo "$strays" | sed 's/^/  /' >&2
        echo "  (regenerate the samples from one run: scripts/regen-readme.sh)" >&2
        exit 1
    fi
fi

# One bash runs every command in turn (variables carry over); each command's output goes to N.out.
{
    echo 'set -e'
    for ((i = 1; i <= count; i++)); do
        printf '{ %s\n} >%q 2>&1 || { echo "exit $?" >>%q; exit 1; }\n' "$(to_run <"$work/$i.cmd")" "$work/$i.out" "$work/$i.out"
    done
} >"$work/run.sh"
if ! (cd "$(dirname "$readme")" && timeout 120 bash "$work/run.sh"); then
    for ((i = 1; i <= count; i++)); do
        [[ -f $work/$i.out ]] || break
        last=$i
    done
    echo "check-readme: command $last failed: $(<"$work/$last.cmd")" >&2
    cat "$work/$last.out" >&2
    exit 1
fi

if ((update == 1)); then
    for ((i = 1; i <= count; i++)); do
        to_readme <"$work/$i.out" >"$work/$i.new"
    done
    # each command's shown output becomes what it printed; everything else stays as it is
    awk -v dir="$work" -v begin_marker="<!-- $section -->" -v end_marker="<!-- /$section -->" '
        function flush(   line, file) {
            if (n && !flushed) {
                file = dir "/" n ".new"
                while ((getline line < file) > 0) print line
                close(file)
            }
            flushed = 1
        }
        $0 == begin_marker { on = 1; print; next }
        $0 == end_marker   { on = 0; print; next }
        !on { print; next }
        /^```/ { if (inblock) flush(); inblock = !inblock; print; next }
        !inblock { print; next }
        /^\$ / { flush(); n++; flushed = 0; print; next }
        !n { print }
    ' "$readme" >"$work/README.new"
    cat "$work/README.new" >"$readme"
    echo "check-readme: wrote the output of $count walk-through commands into $readme"
    exit 0
fi

failed=0
for ((i = 1; i <= count; i++)); do
    expected=$(grep -oE '"[A-Za-z0-9_]+":|^HTTP/1\.1 [0-9]{3}' "$work/$i.expected" | sort -u || true)
    actual=$(grep -oE '"[A-Za-z0-9_]+":|^HTTP/1\.1 [0-9]{3}' "$work/$i.out" | sort -u || true)
    missing=$(comm -23 <(echo "$expected") <(echo "$actual") | sed '/^$/d')
    if [[ -n $missing ]]; then
        echo "check-readme: \$ $(<"$work/$i.cmd")" >&2
        echo "  printed $(head -c 300 "$work/$i.out")" >&2
        echo "  lacks what README.md shows: $(echo "$missing" | tr '\n' ' ')" >&2
        failed=1
    fi
done
((failed == 0)) || exit 1

# ---- against the run: each id README.md shows stands for one id of the run, and back ------------
api_id() { curl -fsS --max-time 10 ${PEERLINK_API_TOKEN:+-H "Authorization: Bearer $PEERLINK_API_TOKEN"} \
    "http://$1:8080/api/identity" | grep -oE '"peerId":"[0-9a-f]{64}"' | cut -d'"' -f4; }
{
    if $two_peers; then
        echo "0 $sample_a $(api_id "$host_a")"
        echo "0 $sample_b $(api_id "$host_b")"
    fi
    for ((i = 1; i <= count; i++)); do
        shown=$(ids "$work/$i.expected")
        printed=$(to_readme <"$work/$i.out" | ids)
        if [[ $(grep -c . <<<"$shown") != $(grep -c . <<<"$printed") ]]; then
            echo "mismatch $i $(grep -c . <<<"$shown") $(grep -c . <<<"$printed")"
        elif [[ -n $shown ]]; then
            paste -d' ' <(echo "$shown") <(echo "$printed") | sed "s/^/$i /"
        fi
    done
} >"$work/pairs"
if ! awk -v dir="$work" '
    function cmd(i,   line) { if (i == 0) return "the two-peers.sh sample"; getline line < (dir "/" i ".cmd"); close(dir "/" i ".cmd"); return "$ " line }
    $1 == "mismatch" { printf "check-readme: %s\n  shows %d ids where the run printed %d\n", cmd($2), $3, $4; bad = 1; next }
    {
        if (($2 in fwd) && fwd[$2] != $3) {
            printf "check-readme: %s\n  shows %s for what the run printed as %s, and the same %s for %s before\n", cmd($1), $2, $3, $2, fwd[$2]
            bad = 1
        }
        if (($3 in back) && back[$3] != $2) {
            printf "check-readme: %s\n  shows %s for the run'"'"'s %s, which README.md showed as %s before\n", cmd($1), $2, $3, back[$3]
            bad = 1
        }
        fwd[$2] = $3; back[$3] = $2
    }
    END { exit bad }
' "$work/pairs" >&2; then
    echo "  (the ids must agree from step to step: regenerate the samples from one run with scripts/regen-readme.sh)" >&2
    exit 1
fi
echo "check-readme: $count walk-through commands ran and printed what README.md shows, with ids that agree from step to step"
