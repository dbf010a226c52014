#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last one that runs on Node 20) into a cache
# directory outside the extension's dependencies, for test/vscode. Offline apart from the npm registry:
# @vscode/ripgrep's GitHub download is replaced by Debian's rg, seeded into its cache.
# Needs: libkrb5-dev (kerberos native build) and ripgrep from apt.
set -euo pipefail
dir="${CARGO_UNITS_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-units/code-server-4.100.3}"
if [ -x "$dir/node_modules/.bin/code-server" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT
export TMPDIR="$tmpdir"
rg="$(command -v rg)"
mkdir -p "$tmpdir/vscode-ripgrep-cache-1.15.11" "$tmpdir/rg"
cp "$rg" "$tmpdir/rg/rg"
tar czf "$tmpdir/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmpdir/rg" rg
cd "$dir"
[ -f package.json ] || echo '{"name":"code-server-cache","private":true}' > package.json
# npmrc here may say yes=false; node-pty's postinstall needs npx.
npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm --foreground-scripts=false code-server@4.100.3 >&2
echo "$dir"
