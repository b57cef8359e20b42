#!/usr/bin/env bash
# Installs what the end-to-end suite needs to run the extension in a real VS Code: Debian's Chromium, Node 24 and
# code-server (a VS Code build published on npm; VS Code itself cannot be downloaded on these machines).
# Idempotent: each step is skipped when its result is already there, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CODE_SERVER_VERSION=4.139.1
readonly NODE_MAJOR=24
readonly ROOT="$PWD/.vscode-test"
readonly NODE_DIR="$ROOT/node$NODE_MAJOR"
readonly CODE_SERVER_DIR="$ROOT/code-server"
readonly CODE_SERVER_BIN="$CODE_SERVER_DIR/node_modules/.bin/code-server"
mkdir -p "$ROOT"

# Under `npm run`, npm exports its configuration as npm_* variables, and a nested npm would take them as its own
# (code-server's postinstall reads the Node version from npm_config_user_agent): install with a clean npm environment.
npm_clean() {
  local inherited
  mapfile -t inherited < <(compgen -e | grep '^npm_' || true)
  env "${inherited[@]/#/--unset=}" npm "$@"
}

# Debian packages: Chromium runs the workbench; code-server's native `kerberos` module needs the GSSAPI headers.
missing=()
for package in chromium libkrb5-dev; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "e2e-setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# code-server 4.139 refuses to run on Node 20; the npm package `node` carries the official Node binaries.
node_version() { "$NODE_DIR/node_modules/.bin/node" --version 2>/dev/null || true; }
if [[ $(node_version) != "v$NODE_MAJOR."* ]]; then
  echo "e2e-setup: installing Node $NODE_MAJOR into $NODE_DIR"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm_clean init -y >/dev/null && npm_clean i --no-audit --no-fund "node@$NODE_MAJOR")
  if [[ $(node_version) != "v$NODE_MAJOR."* ]]; then
    echo "e2e-setup: Node $NODE_MAJOR did not install correctly into $NODE_DIR" >&2
    exit 1
  fi
fi
export PATH="$NODE_DIR/node_modules/.bin:$PATH"

# code-server's postinstall builds VS Code's native modules; npm only runs dependencies' install scripts listed here.
code_server_version() { "$CODE_SERVER_BIN" --version 2>&1 || true; }
if [[ ! -f "$CODE_SERVER_DIR/installed-$CODE_SERVER_VERSION" ]]; then
  echo "e2e-setup: installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR"
  rm -rf "$CODE_SERVER_DIR"
  mkdir -p "$CODE_SERVER_DIR"
  printf '%s\n' '{ "private": true, "allowScripts": { "code-server": true, "argon2": true } }' \
    >"$CODE_SERVER_DIR/package.json"
  (cd "$CODE_SERVER_DIR" && npm_clean i --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
  version_output=$(code_server_version)
  if ! grep -q "^$CODE_SERVER_VERSION " <<<"$version_output"; then
    echo "e2e-setup: code-server does not run after installing; 'code-server --version' printed: $version_output" >&2
    exit 1
  fi
  touch "$CODE_SERVER_DIR/installed-$CODE_SERVER_VERSION"
fi

echo "e2e-setup: node $(node_version), code-server $(code_server_version), $(/usr/bin/chromium --version 2>/dev/null)"
