# Sourced by the set-up scripts: installs the pinned pnpm when it is missing or
# another version. (corepack is not used: its signature check fails on some
# machines; `npm i -g` works everywhere Node and npm do.)
PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "installing pnpm@$PNPM_VERSION with npm"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
