#!/usr/bin/env bash
# Installs everything and runs the example app (every flow, end to end, locally).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile
pnpm demo
