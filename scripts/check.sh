#!/usr/bin/env bash
# Installs everything and runs every check: lint, typecheck, build, tests,
# publint + attw on the packed tarballs. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile
pnpm run lint
node scripts/check-turbo-graph.mjs
pnpm exec turbo run typecheck build --output-logs=errors-only

# The example app's browser test drives Debian's Chromium (never a downloaded
# one). Install it when it is missing and we may; otherwise that test fails
# and says why.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (for apps/example's browser test)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null ||
      echo "warning: could not install chromium; apps/example's browser test will fail" >&2
  else
    echo "warning: /usr/bin/chromium is missing and cannot be installed here (needs root and" >&2
    echo "apt-get); apps/example's browser test will fail. Install Debian's chromium package." >&2
  fi
fi

log="$(mktemp)"
status=0
pnpm exec turbo run test --concurrency=2 --output-logs=full 2>&1 | tee "$log" || status=$?
node scripts/test-summary.mjs "$log" || status=$?
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"

node scripts/check-packages.mjs
