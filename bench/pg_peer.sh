# A throw-away PostgreSQL 15 for the side-by-side benchmarks (sourced by bench/*.sh): trust
# authentication, 127.0.0.1 at a free port, data under WORK/pg, settings given by each script.
#   pg_available                      true when PostgreSQL 15 and the postgres user are here
#   pg_start WORK "-c name=value ..."  initdb, start and wait; sets pgport
#   pg_stop WORK                      for the cleanup trap (nothing when none was started)
PGBIN=/usr/lib/postgresql/15/bin
pg_started=""
pg_available() { [ -x "$PGBIN/initdb" ] && id postgres >/dev/null 2>&1; }
pg_start() {
  pgport=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  mkdir -p "$1/pg" && chown postgres "$1/pg"
  su postgres -c "$PGBIN/initdb -D $1/pg -A trust" >/dev/null 2>&1
  su postgres -c "$PGBIN/pg_ctl -D $1/pg -o '-p $pgport -k $1/pg -c listen_addresses=127.0.0.1 $2' -l $1/pg/server.log -w start" >/dev/null 2>&1
  pg_started=1
}
pg_stop() {
  if [ -n "$pg_started" ]; then su postgres -c "$PGBIN/pg_ctl -D $1/pg -m immediate stop" >/dev/null 2>&1; fi
  pg_started=""
}
