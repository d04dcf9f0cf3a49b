# shellcheck shell=bash
# A throwaway PostgreSQL 15 + PostGIS cluster for the PostGIS tests, in a temporary folder.
# To be sourced (it only defines functions; nothing runs at source time):
#
#   source tests/postgis/pg_cluster.sh
#   tmp=$(mktemp -d) && chmod 0700 "$tmp"
#   trap 'pg_stop; rm -rf "$tmp"' EXIT
#   pg_start "$tmp" || exit $?            # 77 (CTest's skip) when the environment cannot
#   pg_psql crime "SELECT postgis_full_version()"
#   pg_admin_sql "CREATE SCHEMA s" "GRANT USAGE ON SCHEMA s TO analyst"
#
# pg_start DIR   initdb in DIR/pg/data (owned by the system user `postgres`: PostgreSQL refuses
#                to run as root, so as root the server and its tools run as `postgres` through
#                setpriv; as any other user, as that user), superuser `vigia_admin`, on
#                127.0.0.1 and a free TCP port, its socket in DIR/pg/sock and its log in
#                DIR/pg/log/postgresql.log; fsync, synchronous_commit and full_page_writes off.
#                pg_hba.conf: `local all vigia_admin trust` and `host all all 127.0.0.1/32
#                scram-sha-256`, nothing else. Then database `crime` with PostGIS, the roles
#                `analyst` (CREATE on the database, none on schema public: PostgreSQL 15's
#                default) and `reader` (LOGIN only), both with random passwords `Vg-…`, and
#                public.layer_styles as QGIS 3.22 creates it (analyst reads and writes it,
#                reader reads it). Writes DIR/pg_service.conf (services crime = analyst over
#                TCP, crime_reader = reader over TCP, crime_admin = vigia_admin over the socket)
#                and DIR/pgpass (0600), and exports
#                  PGSERVICEFILE PGPASSFILE PG_PORT PG_ANALYST_PASSWORD PG_READER_PASSWORD
#                after unsetting PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE.
#                Returns 0; 77 with the reason when the environment cannot (a tool missing, no
#                free port, initdb or the server failing to start, PostGIS not installable);
#                1 on another failure (the server's log tail is printed, the server stopped).
# pg_stop        stops the server (pg_ctl stop -m fast); idempotent, for an EXIT trap.
# pg_admin_sql SQL...        each SQL in turn as vigia_admin in `crime` (stdin without SQL);
# pg_psql SERVICE [SQL...]   the same through a service of the service file (crime,
#                crime_reader, crime_admin); both `psql -X -v ON_ERROR_STOP=1 -At`.
#
# One cluster per shell (its folder is kept in _PG_DIR). When the caller is killed without
# running its trap (SIGKILL), the server outlives it, until its folder is removed: PostgreSQL
# then shuts down by itself within a minute (its postmaster.pid is gone).
# VIGIA_PG_BIN overrides /usr/lib/postgresql/15/bin (initdb, pg_ctl, postgres, psql: the
# binaries themselves, not Debian's pg_wrapper).

_pg_bin() { echo "${VIGIA_PG_BIN:-/usr/lib/postgresql/15/bin}"; }

_pg_say() { echo "pg_cluster: $*" >&2; }

# The server's log, last lines (after a failure).
_pg_log_tail() {
  local log=${_PG_DIR:-}/pg/log/postgresql.log
  [ -n "${_PG_DIR:-}" ] && [ -s "$log" ] || return 0
  echo "---- PostgreSQL log $log (last lines)" >&2
  tail -n 25 "$log" >&2
}

# Prints the reason and the log tail, stops a server this library started; returns CODE.
#   _pg_fail CODE REASON...
_pg_fail() {
  local code=$1
  shift
  _pg_say "${*}"
  _pg_log_tail
  pg_stop
  return "$code"
}

# Runs a command as the server's user: `postgres` when we are root, ourselves otherwise; in
# DIR/pg, so that no tool starts in a folder that user cannot enter (/root).
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$_PG_DIR/pg" && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
  else
    (cd "$_PG_DIR/pg" && "$@")
  fi
}

# A free TCP port of 127.0.0.1 (bound then released: the server binds it right after).
_pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A random password with a recognisable marker, for a role.
_pg_password() {
  python3 -c 'import secrets, string
a = string.ascii_letters + string.digits
print("Vg-" + "".join(secrets.choice(a) for _ in range(20)))'
}

# The settings of this cluster, included from postgresql.conf (rewritten on a retry).
_pg_write_conf() {
  cat >"$_PG_DIR/pg/data/vigia.conf" <<EOF
# Written by tests/postgis/pg_cluster.sh: a throwaway test cluster, durability off.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$_PG_DIR/pg/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
lc_messages = 'C'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
EOF
}

pg_start() {
  local dir=${1:-} bin tool sock_path attempt started=0 owner
  [ -d "$dir" ] || { _pg_say "usage: pg_start EXISTING_DIR"; return 2; }
  dir=$(realpath "$dir")
  bin=$(_pg_bin)
  for tool in "$bin/initdb" "$bin/pg_ctl" "$bin/postgres" "$bin/psql"; do
    [ -x "$tool" ] || { _pg_say "$tool not found: install postgresql-15"; return 77; }
  done
  for tool in ogr2ogr ogrinfo python3 setpriv; do
    command -v "$tool" >/dev/null || { _pg_say "'$tool' not found"; return 77; }
  done
  [ -f /usr/share/postgresql/15/extension/postgis.control ] ||
    { _pg_say "PostGIS for PostgreSQL 15 not installed (postgresql-15-postgis-3)"; return 77; }
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { _pg_say "no system user 'postgres' to run the server"; return 77; }
    owner=postgres
  else
    owner=$(id -un)
  fi
  # The socket's path, .s.PGSQL.<port> included, must fit in sun_path (107 bytes).
  sock_path="$dir/pg/sock/.s.PGSQL.65535"
  [ ${#sock_path} -le 107 ] ||
    { _pg_say "$dir is too long a path for the server's Unix socket ($sock_path)"; return 77; }

  unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE PGPASSFILE PGDATA
  _PG_DIR=$dir
  mkdir -p "$dir/pg/data" "$dir/pg/sock" "$dir/pg/log" || { _pg_say "cannot create $dir/pg"; return 77; }
  chmod 0700 "$dir/pg" "$dir/pg/data"
  if [ "$owner" = postgres ]; then
    chown -R postgres:postgres "$dir/pg" || { _pg_say "cannot give $dir/pg to postgres"; return 77; }
    # postgres must traverse DIR (0700, root's) to reach DIR/pg: execute only, for the others.
    if ! setpriv --reuid=postgres --regid=postgres --init-groups test -x "$dir/pg/data"; then
      chmod o+x "$dir"
      setpriv --reuid=postgres --regid=postgres --init-groups test -x "$dir/pg/data" ||
        { _pg_say "the user postgres cannot reach $dir/pg (a parent folder is closed)"; return 77; }
    fi
  fi

  # ---- initdb: superuser vigia_admin, UTF-8, C.UTF-8, no fsync of the new files
  if ! _pg_as "$bin/initdb" -D "$dir/pg/data" -U vigia_admin --auth-local=trust \
    --auth-host=scram-sha-256 --no-sync --encoding=UTF8 --locale=C.UTF-8 --no-instructions \
    >"$dir/pg/log/initdb.log" 2>&1; then
    _pg_say "initdb failed:"
    tail -n 15 "$dir/pg/log/initdb.log" >&2
    return 77
  fi
  echo "include 'vigia.conf'" >>"$dir/pg/data/postgresql.conf"
  cat >"$dir/pg/data/pg_hba.conf" <<'EOF'
# Written by tests/postgis/pg_cluster.sh: the superuser over the socket only, everyone else
# over TCP on 127.0.0.1 with a SCRAM password.
# TYPE  DATABASE  USER         ADDRESS        METHOD
local   all       vigia_admin                 trust
host    all       all          127.0.0.1/32   scram-sha-256
EOF
  [ "$owner" = postgres ] && chown postgres:postgres "$dir/pg/data/postgresql.conf" "$dir/pg/data/pg_hba.conf"

  # ---- start (60 s), on a fresh port again should another process take ours meanwhile
  for attempt in 1 2 3; do
    PG_PORT=$(_pg_free_port) || { _pg_say "no free TCP port on 127.0.0.1"; return 77; }
    _pg_write_conf
    [ "$owner" = postgres ] && chown postgres:postgres "$dir/pg/data/vigia.conf"
    if _pg_as "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log/postgresql.log" -w -t 60 start \
      >"$dir/pg/log/pg_ctl.log" 2>&1; then
      started=1
      break
    fi
    grep -q 'could not bind\|Address already in use' "$dir/pg/log/postgresql.log" 2>/dev/null || break
    _pg_say "port $PG_PORT taken meanwhile (attempt $attempt), another one"
  done
  [ $started = 1 ] || { cat "$dir/pg/log/pg_ctl.log" >&2; _pg_fail 77 "the server did not start"; return 77; }

  # ---- the service file and the password file, so that every client finds the server
  if ! PG_ANALYST_PASSWORD=$(_pg_password) || ! PG_READER_PASSWORD=$(_pg_password); then
    _pg_fail 1 "cannot generate passwords"
    return 1
  fi
  cat >"$dir/pg_service.conf" <<EOF
# Written by tests/postgis/pg_cluster.sh for the cluster in $dir/pg.
[crime]
host=127.0.0.1
port=$PG_PORT
dbname=crime
user=analyst

[crime_reader]
host=127.0.0.1
port=$PG_PORT
dbname=crime
user=reader

[crime_admin]
host=$dir/pg/sock
port=$PG_PORT
dbname=crime
user=vigia_admin
EOF
  (umask 077 && printf '127.0.0.1:%s:*:analyst:%s\n127.0.0.1:%s:*:reader:%s\n' \
    "$PG_PORT" "$PG_ANALYST_PASSWORD" "$PG_PORT" "$PG_READER_PASSWORD" >"$dir/pgpass")
  chmod 0600 "$dir/pgpass"
  export PGSERVICEFILE=$dir/pg_service.conf PGPASSFILE=$dir/pgpass PG_PORT
  export PG_ANALYST_PASSWORD PG_READER_PASSWORD

  # ---- the database, PostGIS, the roles, layer_styles (as vigia_admin, over the socket)
  pg_psql "service=crime_admin dbname=postgres" "CREATE DATABASE crime" >/dev/null ||
    { _pg_fail 1 "cannot create the database crime"; return 1; }
  pg_admin_sql "CREATE EXTENSION postgis" >/dev/null ||
    { _pg_fail 77 "CREATE EXTENSION postgis failed: PostGIS is not usable here"; return 77; }
  # The passwords through stdin (printf is a builtin): never in a command line.
  printf '%s\n' \
    "CREATE ROLE analyst LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_ANALYST_PASSWORD';" \
    "CREATE ROLE reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$PG_READER_PASSWORD';" \
    "GRANT CREATE ON DATABASE crime TO analyst;" | pg_admin_sql >/dev/null ||
    { _pg_fail 1 "cannot create the roles analyst and reader"; return 1; }
  # QGIS 3.22's own DDL (QgsPostgresProviderMetadata::saveStyle), in public.
  pg_admin_sql >/dev/null <<'EOF' || { _pg_fail 1 "cannot create public.layer_styles"; return 1; }
CREATE TABLE public.layer_styles (
  id serial PRIMARY KEY,
  f_table_catalog varchar,
  f_table_schema varchar,
  f_table_name varchar,
  f_geometry_column varchar,
  stylename text,
  styleqml xml,
  stylesld xml,
  useasdefault boolean,
  description text,
  owner varchar(63) DEFAULT CURRENT_USER,
  ui xml,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
  type varchar
);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.layer_styles TO analyst;
GRANT USAGE ON SEQUENCE public.layer_styles_id_seq TO analyst;
GRANT SELECT ON public.layer_styles TO reader;
EOF
  # Both roles must get in over TCP with their password (pgpass), as every client will.
  if [ "$(pg_psql crime 'SELECT current_user')" != analyst ] ||
    [ "$(pg_psql crime_reader 'SELECT current_user')" != reader ]; then
    _pg_fail 1 "analyst or reader cannot log in over 127.0.0.1:$PG_PORT"
    return 1
  fi
  _pg_say "PostgreSQL $(pg_admin_sql 'SHOW server_version') + PostGIS" \
    "$(pg_admin_sql "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")" \
    "on 127.0.0.1:$PG_PORT (data $dir/pg/data)"
}

pg_stop() {
  local data=${_PG_DIR:-}/pg/data
  [ -n "${_PG_DIR:-}" ] && [ -f "$data/postmaster.pid" ] || return 0
  _pg_as "$(_pg_bin)/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    _pg_as "$(_pg_bin)/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
    _pg_say "could not stop the server of $data"
  return 0
}

# pg_psql SERVICE|CONNINFO [SQL...]: each SQL with -c (stdin when there is none), in one
# session; -w: never a password prompt (pgpass or nothing).
pg_psql() {
  local target=$1 sql args=()
  shift
  [[ $target == *=* ]] || target="service=$target"
  for sql in "$@"; do args+=(-c "$sql"); done
  "$(_pg_bin)/psql" -X -w -v ON_ERROR_STOP=1 -At "${args[@]}" "$target"
}

pg_admin_sql() { pg_psql crime_admin "$@"; }
