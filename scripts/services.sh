#!/usr/bin/env bash
# Starts / stops the services Seer's scale-out backends need, on loopback, with their data under DIR:
#   scripts/services.sh start DIR   PostgreSQL 15 (Debian's, run as the postgres user) + an S3 server (npm s3rver 3.7.1);
#                                   prints `export` lines for SEER_DB, SEER_BLOBS, AWS_ACCESS_KEY_ID,
#                                   AWS_SECRET_ACCESS_KEY (also kept in DIR/env); use: eval "$(scripts/services.sh start DIR)"
#   scripts/services.sh stop DIR    stops both (by the pids recorded under DIR); DIR's data stays
#   scripts/services.sh env DIR     prints the export lines again for running services
#   scripts/services.sh start DIR --owner PID   as start, and once process PID is gone: stop and delete DIR (tests)
# Starting twice on the same DIR reuses what runs. Diagnostics go to stderr and to DIR/*.log; stdout carries only the
# export lines. Needs root (or the postgres user) for initdb/pg_ctl; installs postgresql-15 and nodejs/npm when missing
# and s3rver into .build/s3rver (from the npm registry, once).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S3RVER_VERSION=3.7.1
BUCKET=seer
ACCESS_KEY=S3RVER          # s3rver's built-in credentials (it accepts no others)
SECRET_KEY=S3RVER
DB_USER=seer
DB_NAME=seer

die() { echo "services: $*" >&2; exit 1; }
usage() { die "usage: scripts/services.sh start|stop|env DIR"; }
owner=""
if [ $# -eq 4 ] && [ "$3" = --owner ]; then owner=$4; set -- "$1" "$2"; fi
[ $# -eq 2 ] || usage
cmd=$1; dir=$2
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"

pg_bin=/usr/lib/postgresql/15/bin
as_postgres() { # runs a command as the postgres user (root: runuser; postgres: directly)
  if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
  else die "PostgreSQL's initdb/pg_ctl run as the postgres user: run this script as root or as postgres"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # a random free loopback port in 20000-59999
  local p i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    port_free "$p" && { echo "$p"; return 0; }
  done
  die "no free loopback port found"
}
wait_port() { # wait_port PORT SECONDS NAME LOG
  local i
  for i in $(seq 1 $(($2 * 10))); do
    port_free "$1" || return 0
    sleep 0.1
  done
  echo "services: $3 did not listen on 127.0.0.1:$1 within $2 s; its log ($4):" >&2
  tail -20 "$4" >&2 || true
  exit 1
}

ensure_packages() {
  local missing=()
  [ -x "$pg_bin/initdb" ] || missing+=(postgresql-15)
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "services: installing Debian packages: ${missing[*]}" >&2
  local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_s3rver() {
  local prefix="$root/.build/s3rver"
  mkdir -p "$prefix"
  # Test projects run in parallel and may each start services: one npm install at a time.
  exec 9>"$prefix.lock"; flock 9
  if [ ! -x "$prefix/node_modules/.bin/s3rver" ] || ! grep -q "\"version\": \"$S3RVER_VERSION\"" "$prefix/node_modules/s3rver/package.json" 2>/dev/null; then
    echo "services: installing s3rver $S3RVER_VERSION (npm) into $prefix" >&2
    mkdir -p "$prefix"
    (cd "$prefix" && npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "s3rver@$S3RVER_VERSION" >&2) \
      || die "npm install s3rver@$S3RVER_VERSION failed"
  fi
  flock -u 9
  echo "$prefix/node_modules/.bin/s3rver"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

print_env() {
  [ -f "$dir/env" ] || die "no services recorded under $dir (run: scripts/services.sh start $dir)"
  cat "$dir/env"
}

start_postgres() {
  local data="$dir/pg/data" sock="$dir/pg/sock" port
  mkdir -p "$dir/pg"
  chown postgres:postgres "$dir/pg" 2>/dev/null || true
  # postgres must be able to reach DIR: every parent folder needs the x bit for others.
  as_postgres test -w "$dir/pg" || die "the postgres user cannot write $dir/pg (a parent folder is not traversable?)"
  if [ -f "$dir/pg/port" ] && as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    cat "$dir/pg/port"; return 0
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    local pw="$dir/pg/pw"
    echo "$DB_USER" > "$pw"; chown postgres:postgres "$pw"; chmod 600 "$pw"
    as_postgres "$pg_bin/initdb" -D "$data" -U "$DB_USER" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1 || { tail -20 "$dir/pg/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pw"
  fi
  as_postgres mkdir -p "$sock"
  port=$(free_port)
  # Small and fast: a test database (fsync stays on; the workspaces it holds are meant to be durable).
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$dir/pg/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$sock -c max_connections=200 -c shared_buffers=64MB" \
    >&2 || { tail -20 "$dir/pg/postgres.log" >&2; die "PostgreSQL did not start"; }
  if ! as_postgres "$pg_bin/psql" -h "$sock" -p "$port" -U "$DB_USER" -d postgres -tAc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1; then
    as_postgres "$pg_bin/createdb" -h "$sock" -p "$port" -U "$DB_USER" "$DB_NAME" >&2
  fi
  echo "$port" > "$dir/pg/port"
  echo "$port"
}

start_s3() {
  local bin port log="$dir/s3/s3rver.log"
  mkdir -p "$dir/s3/data"
  if alive "$dir/s3/pid" && [ -f "$dir/s3/port" ] && ! port_free "$(cat "$dir/s3/port")"; then
    cat "$dir/s3/port"; return 0
  fi
  bin=$(ensure_s3rver)
  port=$(free_port)
  # --configure-bucket creates the bucket at start; silent: no request log.
  setsid "$bin" --address 127.0.0.1 --port "$port" --directory "$dir/s3/data" --configure-bucket "$BUCKET" --silent \
    </dev/null >"$log" 2>&1 &
  echo $! > "$dir/s3/pid"
  wait_port "$port" 30 s3rver "$log"
  echo "$port" > "$dir/s3/port"
  echo "$port"
}

case "$cmd" in
  start)
    ensure_packages
    pg_port=$(start_postgres)
    s3_port=$(start_s3)
    {
      echo "export SEER_DB='postgres://$DB_USER:$DB_USER@127.0.0.1:$pg_port/$DB_NAME'"
      echo "export SEER_BLOBS='s3://$BUCKET?endpoint=http://127.0.0.1:$s3_port'"
      echo "export AWS_ACCESS_KEY_ID='$ACCESS_KEY'"
      echo "export AWS_SECRET_ACCESS_KEY='$SECRET_KEY'"
    } > "$dir/env"
    if [ -n "$owner" ]; then
      # A watchdog: the services die with their owner (a test process), even when it is killed.
      setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; "$2" stop "$3" >/dev/null 2>&1; rm -rf "$3"' \
        watchdog "$owner" "$root/scripts/services.sh" "$dir" </dev/null >/dev/null 2>&1 &
    fi
    print_env
    ;;
  stop)
    # s3rver first (a signal, done at once), then PostgreSQL (pg_ctl waits for the shutdown): a stop cut short
    # (a watchdog killed with its test run) still leaves nothing running, since the server finishes a fast
    # shutdown it was asked for on its own.
    if alive "$dir/s3/pid"; then
      pid=$(cat "$dir/s3/pid"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    if [ -f "$dir/pg/data/PG_VERSION" ] && as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" status >/dev/null 2>&1; then
      as_postgres "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >&2
    fi
    rm -f "$dir/s3/pid" "$dir/env"
    ;;
  env) print_env ;;
  *) usage ;;
esac
