#!/usr/bin/env bash
# Runs README.md's curl walk-through against the peers of scripts/two-peers.sh, so that it cannot
# silently rot (.ci/run calls it).
#
#   scripts/check-readme.sh [README.md]
#
# The walk-through is the text between <!-- walkthrough --> and <!-- /walkthrough -->. In it, a line
# starting with "$ " is a command; the lines after it, up to the next command or the end of the code
# block, are the output the README shows. All commands run in order in one bash. A command passes
# when it exits 0 and its output has every JSON field name ("name":) and HTTP status line of the
# shown output: the values (ids, keys, times) differ from run to run, the shape must not.
set -euo pipefail

readme=${1:-"$(dirname "${BASH_SOURCE[0]}")/../README.md"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the walk-through into $work/N.cmd and $work/N.expected.
awk -v dir="$work" '
    /<!-- walkthrough -->/  { on = 1; next }
    /<!-- \/walkthrough -->/ { on = 0; next }
    !on { next }
    /^```/ { inblock = !inblock; next }
    !inblock { next }
    /^\$ / { n++; print substr($0, 3) > (dir "/" n ".cmd"); printf "" > (dir "/" n ".expected"); next }
    n { print >> (dir "/" n ".expected") }
' "$readme"

count=$(find "$work" -name '*.cmd' | wc -l)
((count > 0)) || { echo "check-readme: no walk-through commands found in $readme" >&2; exit 1; }

# One bash runs every command in turn (variables carry over); each command's output goes to N.out.
{
    echo 'set -e'
    for ((i = 1; i <= count; i++)); do
        printf '{ %s\n} >%q 2>&1 || { echo "exit $?" >>%q; exit 1; }\n' "$(<"$work/$i.cmd")" "$work/$i.out" "$work/$i.out"
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
echo "check-readme: $count walk-through commands ran and printed what README.md shows"
