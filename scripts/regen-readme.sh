#!/usr/bin/env bash
# Regenerates README.md's sample outputs from one run, so that the ids agree from step to step:
# starts fresh peers with scripts/two-peers.sh, writes what it printed into the "without Docker"
# sample, runs the walk-through with scripts/check-readme.sh --update (which writes each command's
# output under it), stops the peers and writes that sample too. Review the diff, then commit.
# (The compose relay walk-through's outputs come from its containers: scripts/ci-compose.sh
# --update-readme.)
#
#   scripts/regen-readme.sh
#
# The walk-through starts from empty peers (cursor 1 is the first message), so run/peer-a and
# run/peer-b must not exist: this script refuses to touch them. TWO_PEERS_HOST_A / TWO_PEERS_HOST_B
# run the peers elsewhere; README.md keeps showing 127.0.0.2 and 127.0.0.3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readme="$root/README.md"
cd "$root"
host_a=${TWO_PEERS_HOST_A:-127.0.0.2}
host_b=${TWO_PEERS_HOST_B:-127.0.0.3}

die() {
    echo "regen-readme: $*" >&2
    exit 1
}
for old in run/peer-a run/peer-b run/peer-b-backup.db; do
    [[ ! -e $old ]] || die "$old exists: the walk-through starts from fresh peers (scripts/two-peers.sh stop; then move run/ away)"
done

to_readme() { sed -e "s/${host_a//./\\.}\b/127.0.0.2/g" -e "s/${host_b//./\\.}\b/127.0.0.3/g"; }

trap 'scripts/two-peers.sh stop >/dev/null 2>&1 || true' EXIT
started=$(scripts/two-peers.sh | to_readme)
scripts/check-readme.sh --update "$readme"
stopped=$(scripts/two-peers.sh stop | to_readme)
trap - EXIT

# The "without Docker" sample: the start-up lines up to the peerIds (the hints after them become
# "..."), then the stop lines.
start_lines=$(sed -n '/^started /,/^peer-b  peerId /p' <<<"$started")
[[ -n $start_lines ]] || die "scripts/two-peers.sh printed no 'started ... peer-b  peerId' lines"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s\n...\n' "$start_lines" >"$work/start"
printf '%s\n' "$stopped" >"$work/stop"
awk -v start="$work/start" -v stop="$work/stop" '
    function emit(file,   line) { while ((getline line < file) > 0) print line; close(file) }
    /^\$ scripts\/two-peers\.sh$/      { print; emit(start); skip = 1; next }
    /^\$ scripts\/two-peers\.sh stop$/ { print; emit(stop); skip = 1; next }
    skip && /^```/ { skip = 0 }
    skip && /^\$ / { skip = 0 }
    !skip { print }
' "$readme" >"$work/README.new"
cat "$work/README.new" >"$readme"
rm -rf run/peer-a run/peer-b run/peer-b-backup.db
echo "regen-readme: README.md's samples come from one run now; review them with git diff"
