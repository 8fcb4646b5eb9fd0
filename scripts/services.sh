#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL 15 cluster and a Redis server for durable tests and local runs.
#
#   scripts/services.sh start <dir>   # creates <dir>/pg, starts both, writes <dir>/env
#   scripts/services.sh stop <dir>    # stops both; safe to call twice
#
# Both listen on 127.0.0.1 only, on the first free port from 55432 (PostgreSQL) and 56379 (Redis) upward.
# PostgreSQL keeps fsync and synchronous_commit on: durability tests depend on acknowledged writes surviving.
# Otherwise it runs on stock settings (max_connections 100) and the connection string has no pool settings, as
# README shows it: the hosts' own connection cap is what keeps them within the server's limit. The server log
# (<dir>/pg/server.log, each line with its SQLSTATE) is exported as CHECKIN_TEST_POSTGRES_LOG so tests can check
# that PostgreSQL never refused a connection (53300 too many clients).
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

die() {
  echo "services.sh: error: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop <dir>" >&2
  exit 2
}

# True when something already accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port=$1
  local last=$((port + 200))
  while [ "$port" -le "$last" ]; do
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
    port=$((port + 1))
  done
  return 1
}

as_postgres() {
  su postgres -s /bin/sh -c "$1"
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  echo "services.sh: installing redis-server via apt" >&2
  apt-get update >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900 redis-server >/dev/null \
    || die "apt-get install redis-server failed"
  command -v redis-server >/dev/null 2>&1 || die "redis-server is still missing after apt-get install"
}

stop_services() {
  local dir=$1
  if [ -f "$dir/pg/data/PG_VERSION" ] && [ -f "$dir/pg/data/postmaster.pid" ]; then
    as_postgres "'$PG_BIN/pg_ctl' -D '$dir/pg/data' stop -m fast -w -t 30" >/dev/null 2>&1 \
      || echo "services.sh: PostgreSQL in $dir/pg was not running" >&2
  fi
  if [ -f "$dir/redis.port" ]; then
    local redis_port
    redis_port=$(cat "$dir/redis.port")
    if command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
      redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    fi
    rm -f "$dir/redis.port"
  fi
}

start_services() {
  local dir=$1
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 binaries not found in $PG_BIN"
  id postgres >/dev/null 2>&1 || die "the postgres user does not exist"
  ensure_redis

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # A previous run in the same folder is thrown away.
  stop_services "$dir" 2>/dev/null || true
  rm -rf "$dir/pg" "$dir/env"

  local pg_port redis_port
  pg_port=$(free_port 55432) || die "no free PostgreSQL port from 55432 upward"
  redis_port=$(free_port 56379) || die "no free Redis port from 56379 upward"

  mkdir -p "$dir/pg"
  chown -R postgres:postgres "$dir/pg"
  # initdb -N skips initdb's own fsyncs only; the running server keeps fsync on.
  as_postgres "'$PG_BIN/initdb' -D '$dir/pg/data' -U postgres -A trust -E UTF8 --locale=C -N" \
    >"$dir/pg/initdb.log" 2>&1 || die "initdb failed; see $dir/pg/initdb.log"
  cat >>"$dir/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = ''
fsync = on
synchronous_commit = on
log_line_prefix = '%m [%p] %e '
EOF
  as_postgres "'$PG_BIN/pg_ctl' -D '$dir/pg/data' -l '$dir/pg/server.log' -w -t 30 start" >/dev/null \
    || die "PostgreSQL did not start; see $dir/pg/server.log"
  as_postgres "'$PG_BIN/psql' -h 127.0.0.1 -p $pg_port -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 -c 'CREATE DATABASE checkin'" \
    >/dev/null || die "could not create database checkin"

  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    || die "redis-server did not start; see $dir/redis.log"
  echo "$redis_port" >"$dir/redis.port"
  local i
  for i in $(seq 1 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]; then
      break
    fi
    [ "$i" -eq 100 ] && die "Redis did not answer PING on port $redis_port; see $dir/redis.log"
    sleep 0.05
  done
  "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$pg_port" -q || die "PostgreSQL does not answer on port $pg_port"

  cat >"$dir/env" <<EOF
export CHECKIN_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=checkin'
export CHECKIN_TEST_POSTGRES_LOG='$dir/pg/server.log'
export CHECKIN_TEST_REDIS='127.0.0.1:$redis_port'
EOF
  echo "services.sh: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port; source $dir/env"
}

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
case "$1" in
  start) start_services "$2" ;;
  stop)
    if [ -d "$2" ]; then
      stop_services "$(cd "$2" && pwd)"
    fi
    ;;
  *) usage ;;
esac
