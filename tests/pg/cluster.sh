#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests (issue 9), from Debian's
# postgresql-15 (scripts/deps), in a directory of its own:
#
#   tests/pg/cluster.sh start DIR   creates the cluster in DIR (made if
#                                   missing, else it must be empty), starts
#                                   it and prints its base URL:
#                                   postgresql://postgres@127.0.0.1:PORT
#   tests/pg/cluster.sh stop DIR    stops it (fast) and removes DIR
#
# The server listens on 127.0.0.1 only, on a free port, and on a unix socket
# in DIR; it trusts every local connection (a test cluster: nothing in it
# is worth protecting) and trades durability for speed (fsync off). As root
# (CI) it runs as the user nobody, who then owns DIR: PostgreSQL refuses to
# run as root. Every wait is bounded; errors are one line on stderr.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARK=.rapport-pg-cluster # says DIR is ours, so stop may remove it
WAIT_S=30

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

usage() { die "usage: tests/pg/cluster.sh start|stop DIR"; }

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n "$dir" ]] || usage

for b in initdb pg_ctl postgres; do
  [[ -x "$PGBIN/$b" ]] || die "postgresql-15 is not installed ($PGBIN/$b missing): run scripts/deps"
done

# as_owner CMD...: runs CMD as the cluster's user (when we are root: nobody,
# or the owner of an existing cluster), in DIR (the caller's working
# directory may be closed to that user).
runas=()
if [[ $(id -u) -eq 0 ]]; then
  owner=nobody
  if [[ $cmd == stop && -d "$dir/data" ]]; then owner=$(stat -c %U "$dir/data"); fi
  getent passwd "$owner" >/dev/null || die "running as root needs the user $owner to run PostgreSQL as"
  if command -v setpriv >/dev/null 2>&1; then
    runas=(setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups --)
  elif command -v runuser >/dev/null 2>&1; then
    runas=(runuser -u "$owner" --)
  else
    die "running as root needs setpriv or runuser (util-linux) to run PostgreSQL as nobody"
  fi
fi
as_owner() { (cd "$dir" && "${runas[@]}" "$@"); }

# A TCP port of 127.0.0.1 that was free a moment ago.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 30000))
  fi
}

start() {
  if [[ -e "$dir" ]]; then
    [[ -d "$dir" ]] || die "$dir is not a directory"
    [[ -z "$(ls -A "$dir")" ]] || die "$dir is not empty"
  else
    mkdir -p "$dir" || die "cannot create $dir"
  fi
  dir=$(cd "$dir" && pwd)
  # the socket's path (DIR/.s.PGSQL.PORT) must fit in sun_path (108 bytes)
  ((${#dir} <= 90)) || die "$dir is too long a path for the unix socket (90 bytes at most)"
  touch "$dir/$MARK"
  if ((${#runas[@]})); then
    chown -R nobody: "$dir" || die "cannot give $dir to nobody"
    as_owner test -w . 2>/dev/null || die "nobody cannot write in $dir (a parent directory is closed to it?)"
  fi

  as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --locale=C --encoding=UTF8 --auth=trust \
    --no-sync >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -n 1 "$dir/initdb.log")"

  local port tries=0
  while :; do
    port=$(free_port)
    cat >"$dir/data/postgresql.auto.conf" <<EOF
# tests/pg/cluster.sh: a throw-away test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = '1GB'
checkpoint_timeout = '30min'
max_parallel_workers_per_gather = 0
dynamic_shared_memory_type = mmap
log_min_messages = warning
log_min_error_statement = panic
EOF
    if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$WAIT_S" \
      start >"$dir/pg_ctl.log" 2>&1; then
      break
    fi
    # another process may have taken the port between the check and the start
    tries=$((tries + 1))
    if ((tries >= 3)) || ! grep -q "could not bind\|Address already in use" "$dir/postgres.log" 2>/dev/null; then
      local why
      why=$(grep -E "FATAL|ERROR|PANIC" "$dir/postgres.log" 2>/dev/null | tail -n 1 || true)
      [[ -n "$why" ]] || why=$(tail -n 1 "$dir/pg_ctl.log")
      as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t "$WAIT_S" stop >/dev/null 2>&1 || true
      die "the server did not start within ${WAIT_S} s: $why (log: $dir/postgres.log)"
    fi
  done
  echo "$port" >"$dir/port"
  echo "postgresql://postgres@127.0.0.1:$port"
}

stop() {
  [[ -d "$dir" ]] || die "$dir does not exist"
  [[ -e "$dir/$MARK" ]] || die "$dir was not made by tests/pg/cluster.sh start: not removing it"
  dir=$(cd "$dir" && pwd)
  local pidfile="$dir/data/postmaster.pid" pid=""
  [[ -f "$pidfile" ]] && pid=$(head -n 1 "$pidfile")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t "$WAIT_S" stop >/dev/null 2>&1; then
      # the postmaster we started would not stop: end it and its children
      kill -KILL "$pid" 2>/dev/null || true
    fi
    local i
    for ((i = 0; i < WAIT_S * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "the server (pid $pid) is still running after ${WAIT_S} s"
  fi
  rm -rf "$dir"
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) usage ;;
esac
