#!/usr/bin/env bash
# Installs everything and runs every check: lint, typecheck, build, tests,
# publint + attw on the packed tarballs. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile
pnpm run lint
pnpm exec turbo run typecheck build --output-logs=errors-only

log="$(mktemp)"
status=0
pnpm exec turbo run test --concurrency=2 --output-logs=full 2>&1 | tee "$log" || status=$?
node scripts/test-summary.mjs "$log" || status=$?
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"

node scripts/check-packages.mjs
