#!/usr/bin/env bash
# Installs the real instrumented apps' dependencies (test/producers: instrumentation libraries, their SDKs, and Node 22
# as the npm package `node`, whose install script fetches the binary: package.json's allowScripts lets it run) from the
# committed lock file. Idempotent and quick when nothing changed: the lock file's
# hash is recorded in node_modules after an install, and `npm ci` (which wipes node_modules) runs only when the
# installed tree differs from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/../test/producers"

readonly MARKER=node_modules/.installed-lock-sha256
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $MARKER && $(cat "$MARKER") == "$lock_hash" && -x node_modules/.bin/node ]]; then
  exit 0
fi

# An `npm install PKG` here updates the lock and node_modules together; npm's record of what it installed
# (node_modules/.package-lock.json) then lists the same packages as the lock, and nothing needs reinstalling.
installed_matches_lock() {
  [[ -f node_modules/.package-lock.json && -x node_modules/.bin/node ]] && node -e '
    const { packages: locked } = require("./package-lock.json");
    const { packages: installed } = require("./node_modules/.package-lock.json");
    delete locked[""];
    const same = Object.keys(locked).length === Object.keys(installed).length &&
      Object.entries(locked).every(([path, entry]) => JSON.stringify(entry) === JSON.stringify(installed[path]));
    process.exit(same ? 0 : 1);'
}

if ! installed_matches_lock; then
  # Under `npm run`, npm exports its configuration as npm_* variables, and a nested npm would take them as its own:
  # install with a clean npm environment.
  mapfile -t inherited < <(compgen -e | grep '^npm_' || true)
  echo "producers-setup: installing test/producers dependencies from package-lock.json"
  env "${inherited[@]/#/--unset=}" npm ci --no-audit --no-fund
fi
echo "$lock_hash" >"$MARKER"
