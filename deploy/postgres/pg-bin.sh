# Sourced by the scripts beside it: sets PG_BIN to the folder of the PostgreSQL binaries.
# PG_BIN from the environment wins; else Debian's newest /usr/lib/postgresql/N/bin; else the PATH.
if [[ -z "${PG_BIN:-}" ]]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$PG_BIN" ]] || PG_BIN=$(dirname "$(command -v pg_ctl || command -v psql || echo /usr/bin/psql)")
fi
