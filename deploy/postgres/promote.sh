#!/usr/bin/env bash
# Promote a standby to primary, and wait until it accepts writes.
#
# Usage (any OS user; the role must be a superuser or have EXECUTE on pg_promote):
#   deploy/postgres/promote.sh STANDBY_CONNINFO
#     STANDBY_CONNINFO  e.g. 'host=10.0.2.5 port=5432 user=postgres dbname=postgres'
#   Environment: PG_BIN (folder of psql), PROMOTE_WAIT_S (default 60).
#
# Only when the old primary is gone (or fenced off): two primaries would each take cases. The new
# primary starts alone, so synchronous_standby_names is reset first (a copied setting would make every
# COMMIT wait for a standby that no longer exists). Make a new standby from it with make-standby.sh,
# then make-synchronous.sh … on, to have each acknowledged case on two machines again. Nodes need no
# change: their multi-host URL with target_session_attrs=primary finds the new primary.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pg-bin.sh"

if [[ $# -lt 1 ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d'
  exit 2
fi
conninfo=$1
wait_s=${PROMOTE_WAIT_S:-60}
psql() { "$PG_BIN/psql" --no-psqlrc --no-password --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 -d "$conninfo" "$@"; }

psql -c "alter system reset synchronous_standby_names" -c "select pg_reload_conf()" >/dev/null
if [[ $(psql -c "select pg_is_in_recovery()") == t ]]; then
  promoted=$(psql -c "select pg_promote(wait => true, wait_seconds => $wait_s)")
  [[ $promoted == t ]] || { echo "the standby did not finish promotion within $wait_s s" >&2; exit 1; }
fi
for ((i = 0; i < wait_s * 10; i++)); do
  if [[ $(psql -c "show transaction_read_only") == off ]]; then
    echo "promoted: the server accepts writes"
    exit 0
  fi
  sleep 0.1
done
echo "the server still refuses writes after $wait_s s" >&2
exit 1
