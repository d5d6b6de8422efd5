#!/usr/bin/env bash
# Make a primary's commits synchronous with one named standby, or asynchronous again.
#
# Usage (any OS user; the role in the conninfo must be a superuser):
#   deploy/postgres/make-synchronous.sh PRIMARY_CONNINFO on [NAME]   # COMMIT waits for standby NAME
#   deploy/postgres/make-synchronous.sh PRIMARY_CONNINFO off         # the standby is gone: stop waiting
#     PRIMARY_CONNINFO  e.g. 'host=10.0.1.5 port=5432 user=postgres dbname=postgres'
#     NAME              the standby's application_name (make-standby.sh's NAME; default standby1)
#   Environment: PG_BIN (folder of psql), SYNC_WAIT_S (how long `on` waits for the standby to be
#   streaming as the synchronous one, default 60).
#
# `on` sets synchronous_standby_names = 'FIRST 1 ("NAME")' and synchronous_commit = on (ALTER SYSTEM +
# reload, no restart), then waits until pg_stat_replication shows NAME as `sync`. From then on a COMMIT
# returns only once NAME has written the commit to its disk, so every acknowledged case is on two
# machines. `on`, not `remote_apply`: a promoted standby replays all WAL it has flushed before it
# accepts writes, so flushed is enough for failover; remote_apply would also wait for replay and only
# helps readers of the standby, which the nodes do not have. The price: while the standby is away every
# COMMIT waits. `off` resets synchronous_standby_names, which also releases COMMITs waiting right now.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pg-bin.sh"

if [[ $# -lt 2 || ! "$2" =~ ^(on|off)$ ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d'
  exit 2
fi
conninfo=$1
mode=$2
name=${3:-standby1}
psql() { "$PG_BIN/psql" --no-psqlrc --no-password --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 -d "$conninfo" "$@"; }

if [[ $mode == off ]]; then
  psql -c "alter system reset synchronous_standby_names" -c "select pg_reload_conf()" >/dev/null
  echo "commits on the primary no longer wait for a standby"
  exit 0
fi

if [[ ! "$name" =~ ^[A-Za-z0-9_.-]+$ ]]; then
  echo "NAME must be letters, digits, _ . or - (got '$name')" >&2
  exit 2
fi
# ALTER SYSTEM cannot run inside a transaction block: one -c per statement
psql -c "alter system set synchronous_standby_names = 'FIRST 1 (\"$name\")'" \
  -c "alter system set synchronous_commit = 'on'" -c "select pg_reload_conf()" >/dev/null
for ((i = 0; i < ${SYNC_WAIT_S:-60} * 10; i++)); do
  state=$(psql -c "select sync_state from pg_stat_replication where application_name = '$name' and state = 'streaming'")
  if [[ $state == sync ]]; then
    echo "commits on the primary now wait for standby $name"
    exit 0
  fi
  sleep 0.1
done
echo "standby $name is not streaming as the synchronous standby after ${SYNC_WAIT_S:-60} s (COMMITs wait for it; '$0 … off' releases them)" >&2
exit 1
