#!/usr/bin/env bash
# Lints the OpenAPI document a running peer serves (/v3/api-docs) with Redocly's recommended rules,
# and fails on any error or warning (.ci/run calls it against scripts/two-peers.sh's peer-a).
#
#   scripts/lint-openapi.sh [API base URL]     default http://127.0.0.2:8080 (peer-a)
#
# Redocly CLI is pinned and installed from npm into a temporary directory, never into the tree.
set -euo pipefail

base=${1:-http://127.0.0.2:8080}
redocly_cli=@redocly/cli@2.77.0
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

command -v npm >/dev/null || { echo "lint-openapi: npm is needed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the document is open without the API token
curl -sSf "$base/v3/api-docs" -o "$work/openapi.json"
npm install --prefix "$work" --silent --no-audit --no-fund "$redocly_cli" >/dev/null
redocly="$work/node_modules/.bin/redocly"

"$redocly" lint --extends=recommended --format=stylish "$work/openapi.json" 2>&1 | grep -v '[║╔╚]' || true
"$redocly" lint --extends=recommended --format=json "$work/openapi.json" >"$work/result.json" 2>/dev/null || true
totals=$(node -e 'const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).totals;
    console.log(t.errors + " " + t.warnings)' "$work/result.json")
read -r errors warnings <<<"$totals"
if [[ $errors != 0 || $warnings != 0 ]]; then
    echo "lint-openapi: $base/v3/api-docs has $errors error(s) and $warnings warning(s) ($redocly_cli, recommended)" >&2
    exit 1
fi
echo "lint-openapi: $base/v3/api-docs passes $redocly_cli recommended rules: 0 errors, 0 warnings"
