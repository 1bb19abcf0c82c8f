#!/usr/bin/env bash
# Installs what the in-host tests need: Debian's Chromium, ripgrep and Kerberos headers, and
# code-server (a real VS Code 1.100.3 whose extension host is Node) in .test-host/code-server,
# kept apart from the extension's own node_modules so the .vsix stays small.
# Idempotent: with everything in place it returns at once.
# shared/VSCODE_HOST.md explains each workaround below.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOST_DIR="$ROOT/.test-host/code-server"
PKG_DIR="$HOST_DIR/node_modules/code-server"
MARKER="$HOST_DIR/.installed-$CODE_SERVER_VERSION"

log() { echo "[setup-test-host] $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    log "need root to run: $*"
    exit 1
  fi
}

# 1. Debian packages; apt is skipped entirely when all are present. g++, make and python3 build the
# native modules (argon2, kerberos, node-pty...); the base image has them, a slimmer one may not.
missing=()
for pkg in chromium libkrb5-dev ripgrep g++ make python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. code-server, unless this version is already installed completely (the marker is written last).
if [ -f "$MARKER" ] && [ -f "$PKG_DIR/out/node/entry.js" ] && [ -d "$PKG_DIR/lib/vscode/node_modules" ]; then
  log "code-server $CODE_SERVER_VERSION already installed"
  exit 0
fi

started=$SECONDS
log "installing code-server@$CODE_SERVER_VERSION into .test-host/code-server (about a minute)"
rm -rf "$HOST_DIR"
mkdir -p "$HOST_DIR"
cat >"$HOST_DIR/package.json" <<JSON
{
  "name": "tiered-test-host",
  "private": true,
  "description": "code-server for Tiered's in-host tests. Installed by scripts/setup-test-host.sh; never shipped.",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" }
}
JSON

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# As root, code-server's postinstall refuses to run without unsafe-perm.
export npm_config_unsafe_perm=true
# node-pty's install runs `npx node-gyp`, which would stop on a "Need to install" prompt.
export npm_config_yes=true
# npm 11 skips dependency install scripts not listed in an allowScripts policy. code-server needs
# them (its postinstall installs VS Code's own dependencies; node-pty, argon2, kerberos,
# @parcel/watcher, @vscode/spdlog... are native). This folder is a throwaway test host, so allow all.
export npm_config_dangerously_allow_all_scripts=true
# argon2, kerberos, node-pty, spdlog... compile from source here (their prebuilt downloads fail):
# let node-gyp use every core.
export JOBS=max

# 2a. Fetch the package without running anything, to learn which @vscode/ripgrep VS Code pins.
(cd "$HOST_DIR" && npm install --ignore-scripts --no-package-lock --loglevel=error >/dev/null)

# 2b. @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here). Its download.js
# first looks for the release tarball in $TMPDIR/vscode-ripgrep-cache-<package version>/; a tarball
# of Debian's /usr/bin/rg placed there satisfies it. Version, asset name and cache folder are read
# from the package itself so a change on its side fails loudly here instead of in the download.
export TMPDIR="${TMPDIR:-/tmp}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64) rg_target=aarch64-unknown-linux-musl ;;
  *)
    log "unsupported architecture $(uname -m)"
    exit 1
    ;;
esac
rg_versions="$(
  node -e '
    const fs = require("fs");
    const seen = new Set();
    for (const f of process.argv.slice(1)) {
      if (!fs.existsSync(f)) continue;
      for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(f, "utf8")).packages || {}))
        if (k.endsWith("node_modules/@vscode/ripgrep")) seen.add(v.version);
    }
    console.log([...seen].join(" "));
  ' "$PKG_DIR/lib/vscode/npm-shrinkwrap.json" "$PKG_DIR/lib/vscode/extensions/npm-shrinkwrap.json"
)"
[ -n "$rg_versions" ] || {
  log "found no @vscode/ripgrep in code-server's shrinkwrap files"
  exit 1
}
for v in $rg_versions; do
  (cd "$work" && npm pack --silent "@vscode/ripgrep@$v" >/dev/null && mkdir "rg-$v" && tar -xzf vscode-ripgrep-"$v".tgz -C "rg-$v")
  lib="$work/rg-$v/package/lib"
  grep -q 'vscode-ripgrep-cache-${packageVersion}' "$lib/download.js" || {
    log "@vscode/ripgrep@$v no longer caches in vscode-ripgrep-cache-<version>; update this script"
    exit 1
  }
  rg_release="$(sed -nE "s/^const VERSION = '([^']+)'.*/\1/p" "$lib/postinstall.js")"
  [ -n "$rg_release" ] || {
    log "cannot read the ripgrep release from @vscode/ripgrep@$v postinstall.js"
    exit 1
  }
  cache="$TMPDIR/vscode-ripgrep-cache-$v"
  asset="ripgrep-$rg_release-$rg_target.tar.gz"
  mkdir -p "$cache" "$work/rgbin"
  cp /usr/bin/rg "$work/rgbin/rg"
  # The release tarball holds `rg` at its top level; the postinstall untars it into bin/.
  tar -czf "$cache/$asset" -C "$work/rgbin" rg
  log "seeded $cache/$asset with /usr/bin/rg"
done

# 2c. Run the install scripts (code-server's postinstall installs lib/vscode's dependencies).
if ! (cd "$HOST_DIR" && npm rebuild --foreground-scripts >"$HOST_DIR/install.log" 2>&1); then
  tail -40 "$HOST_DIR/install.log"
  log "code-server's install scripts failed (full log: .test-host/code-server/install.log)"
  exit 1
fi
for f in "$HOST_DIR/node_modules/argon2/lib/binding/napi-v3/argon2.node" "$PKG_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" "$PKG_DIR/lib/vscode/node_modules/node-pty/build/Release/pty.node"; do
  [ -e "$f" ] || {
    tail -40 "$HOST_DIR/install.log"
    log "expected $f after install"
    exit 1
  }
done
# HOME elsewhere: code-server writes a default config under ~/.config on any start.
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" node "$PKG_DIR/out/node/entry.js" --version
touch "$MARKER"
log "done in $((SECONDS - started)) s"
