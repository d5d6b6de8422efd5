#!/usr/bin/env bash
# Make a streaming replica (hot standby) of a running PostgreSQL primary, and start it.
#
# Usage (as the OS user that will own the standby's files, e.g. `sudo -u postgres`):
#   deploy/postgres/make-standby.sh PRIMARY_CONNINFO DATA_DIR [NAME] [PORT]
#     PRIMARY_CONNINFO  libpq conninfo of the primary for a role with REPLICATION,
#                       e.g. 'host=10.0.1.5 port=5432 user=replicator'
#     DATA_DIR          where the standby's cluster goes (must be absent or empty)
#     NAME              the standby's application_name: the name the primary's
#                       synchronous_standby_names and pg_stat_replication know it by (default standby1)
#     PORT              the port the standby listens on (default 5432)
#   Environment: PG_BIN (folder of pg_basebackup/pg_ctl; default Debian's newest), STANDBY_OPTS (more
#   server options for `pg_ctl -o`, e.g. "-c listen_addresses='*'"), STANDBY_LOG (default DATA_DIR/standby.log).
#
# The primary needs wal_level=replica (the default), max_wal_senders > 0 (default 10) and a pg_hba.conf
# `host replication <role> <this host>/32 <method>` line. pg_basebackup copies the primary at one
# point (-X stream: with the WAL written meanwhile) and -R writes standby.signal and primary_conninfo
# (with application_name=NAME), so the server started here follows the primary for good.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/pg-bin.sh"

if [[ $# -lt 2 ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d'
  exit 2
fi
primary=$1
data=$2
name=${3:-standby1}
port=${4:-5432}

"$PG_BIN/pg_basebackup" --pgdata="$data" --dbname="$primary application_name=$name" \
  --write-recovery-conf --wal-method=stream --checkpoint=fast --no-password
# -w: return once the standby accepts (read-only) connections, i.e. has replayed to a consistent point
"$PG_BIN/pg_ctl" --pgdata="$data" --options="-p $port ${STANDBY_OPTS:-}" \
  --log="${STANDBY_LOG:-$data/standby.log}" --wait --timeout=120 start
echo "standby $name streaming from the primary, listening on port $port"
