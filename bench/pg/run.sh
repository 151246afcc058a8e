#!/usr/bin/env bash
# bench/pg (issue 9): the same demo account on SQLite and on PostgreSQL,
# read through `rapport serve` with wrk, in the same run:
#   1. GET /api/v1/contacts/{id} (ids drawn over the whole account,
#      bench/pg/ids.lua) and a filtered, sorted list (as bench/api) through
#      one node on SQLite, then through one node on PostgreSQL: requests/s,
#      p50/p99 and the ratio PostgreSQL/SQLite;
#   2. a mixed read load (9 GETs of a contact to 1 list) from two wrk at
#      once: both against one node, then one against each of two nodes on
#      the same PostgreSQL database; the ratio two/one (alternated rounds).
# Each run also gives the CPU time per request of the node(s) and
# PostgreSQL (from /proc, wrk not counted), which other load on the machine
# moves less than requests/s. Each node is measured once idle (its
# daily job and the workflow steps the demo left due done).
# The demo is made on SQLite (`rapport demo`) and moved to PostgreSQL with
# `rapport export --format jsonl` and `rapport import` (the demo straight on
# PostgreSQL pays a round trip per statement: ~13x slower). PostgreSQL is a
# throw-away cluster (tests/pg/cluster.sh) in a temporary directory, removed
# on exit with everything else; all listens on 127.0.0.1, every wrk run is
# bounded, nothing is left running.
# Usage: bench/pg/run.sh [--contacts 20000] [--seconds 10] [--connections 8] [--rounds 2]
# BUILD=build-x bench/pg/run.sh measures the binary of another build
# directory; NO_MAKE=1 takes that build as it is (no make first).
set -euo pipefail
cd "$(dirname "$0")/../.."
contacts=20000 seconds=10 conns=8 rounds=2
while (($#)); do
  case "$1" in
    --contacts) contacts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--contacts N] [--seconds S] [--connections C] [--rounds R]" >&2; exit 2 ;;
  esac
done
for t in wrk curl psql sqlite3 python3 bc; do
  command -v $t >/dev/null || { echo "bench: $t missing; run scripts/deps --bench" >&2; exit 1; }
done
build=${BUILD:-build}
[ -n "${NO_MAKE:-}" ] || make BUILD="$build" -j2 "$build/rapport" >/dev/null
bin=$PWD/$build/rapport
lua=$PWD/bench/pg/ids.lua
tmp=$(mktemp -d /tmp/rapport-bench-pg.XXXXXX)
pgdir=$(mktemp -d /tmp/rapport-bench-pgdb.XXXXXX) # cluster.sh may give it to nobody
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ ! -e "$pgdir/.rapport-pg-cluster" ] || tests/pg/cluster.sh stop "$pgdir" || true
  rm -rf "$tmp"
  [ ! -d "$pgdir" ] || rmdir "$pgdir" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo)," \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load $(load) at $(date -u +%H:%M) UTC"

# --- the two stores -------------------------------------------------------
sdb=$tmp/bench.db
$bin --db "$sdb" init --account Bench --email bench@rapport.test --password bench-password >/dev/null
t0=$(now)
$bin --db "$sdb" demo --contacts "$contacts" --seed 1 >/dev/null 2>&1
demo_s=$(since "$t0")
t0=$(now)
$bin --db "$sdb" export --format jsonl --out "$tmp/account.jsonl" >/dev/null 2>&1
export_s=$(since "$t0")

base=$(tests/pg/cluster.sh start "$pgdir")
psql -qAtX -v ON_ERROR_STOP=1 -d "$base/postgres" -c 'CREATE DATABASE bench'
pdb=$base/bench
$bin --db "$pdb" migrate >/dev/null
t0=$(now)
$bin --db "$pdb" import "$tmp/account.jsonl" >"$tmp/import.out"
import_s=$(since "$t0")
rows=$(awk '/^Restored/ {print $(NF-1)}' "$tmp/import.out")
# as after any bulk load: the planner's statistics and the visibility map
# now, rather than from autovacuum in the middle of a measurement
t0=$(now)
psql -qAtX -v ON_ERROR_STOP=1 -d "$pdb" -c 'VACUUM (ANALYZE)'
analyze_s=$(since "$t0")
echo "== demo --contacts $contacts on SQLite ${demo_s} s; export ${export_s} s;" \
  "import into PostgreSQL ${import_s} s ($rows rows), VACUUM (ANALYZE) ${analyze_s} s"

# every contact id of the account (the same on both stores), shuffled
python3 - "$tmp/account.jsonl" "$tmp/ids" <<'PY'
import json, random, sys
ids = [json.loads(l)["r"]["id"] for l in open(sys.argv[1]) if l.startswith('{"t":"contacts"')]
random.Random(1).shuffle(ids)
open(sys.argv[2], "w").write("".join(i + "\n" for i in ids))
PY
echo "== $(wc -l <"$tmp/ids") contact ids"

# --- nodes ----------------------------------------------------------------
# start_node NAME DB [claimed]: serves DB on a free port (into ${NAME}_port,
# its pid into ${NAME}_pid) and waits for /healthz and for its daily job
# (with "claimed", another node has run it today: a moment to see the claim).
start_node() {
  local name=$1 db=$2 port
  port=$(free_port)
  RAPPORT_LOG=info $bin --db "$db" serve --listen "127.0.0.1:$port" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  printf -v "${name}_port" '%s' "$port"
  printf -v "${name}_pid" '%s' "$!"
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "bench: node $name did not start" >&2; tail -n 5 "$tmp/$name.log" >&2; exit 1; }
  if [ -n "${3:-}" ]; then sleep 2; return; fi
  for _ in $(seq 3000); do grep -q 'daily job: ' "$tmp/$name.log" && break; sleep 0.1; done
  grep -q 'daily job: ' "$tmp/$name.log" || echo "bench: node $name: no daily job seen in 300 s" >&2
  grep -o 'daily job: .*' "$tmp/$name.log" | head -n 1 | sed "s/^/   $name: /"
}
# wait_idle COUNT_CMD...: waits (at most 300 s) until COUNT_CMD (a query of
# the store) counts no workflow step due and pending, and the watched
# processes then use less than 10 % of a core for two seconds in a row. A
# node fresh on the demo account first runs its daily job and the workflow
# steps the demo left due (~600 at 20,000 contacts, 200 a tick, each
# rescoring a contact): measured, they would count as the reads' time.
due_sql="SELECT count(*) FROM run_steps WHERE status = 'pending' AND due_at <= "
wait_idle() {
  local t0=$SECONDS quiet=0 c0 c1 due
  while :; do
    due=$("$@" 2>/dev/null || echo '?')
    [ "$due" != 0 ] || break
    ((SECONDS - t0 < 300)) || { echo "bench: $due workflow steps still due after 300 s" >&2; break; }
    sleep 1
  done
  c0=$(cpu_ms "${watch[@]}")
  while ((quiet < 2 && SECONDS - t0 < 300)); do
    sleep 1
    c1=$(cpu_ms "${watch[@]}")
    if ((c1 - c0 < 100)); then quiet=$((quiet + 1)); else quiet=0; fi
    c0=$c1
  done
  ((quiet >= 2)) || echo "bench: the nodes were still busy after 300 s" >&2
  echo "   idle after $((SECONDS - t0)) s"
}
sq_due() { sqlite3 -readonly "$sdb" "$due_sql CAST(strftime('%s', 'now') AS INTEGER)"; }
pg_due() { psql -qAtX -d "$pdb" -c "$due_sql extract(epoch FROM now())::bigint"; }
stop_node() { # stop_node PID: stops a node and forgets its pid
  local keep=() p
  kill "$1"
  wait "$1" 2>/dev/null || true
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}
login() { # login PORT: a session token
  curl -sf "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"bench@rapport.test","password":"bench-password"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
list="/api/v1/contacts?status=lead&sort=-score&limit=50"
# page_ids PORT TOKEN: the ids of the list's page, to compare the stores
page_ids() {
  curl -sf "http://127.0.0.1:$1$list" -H "Authorization: Bearer $2" |
    python3 -c 'import json,sys; print(",".join(c["id"] for c in json.load(sys.stdin)["items"]))'
}

# --- wrk ------------------------------------------------------------------
# stats FILE...: "req/s p50_ms p99_ms errors requests" of one or more wrk
# outputs run at the same time (req/s, errors and requests summed;
# latencies of the first).
stats() {
  python3 - "$@" <<'PY'
import re, sys
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    return float(m.group(1)) * unit[m.group(2)]
rps = err = reqs = 0
lat = {}
for i, path in enumerate(sys.argv[1:]):
    text = open(path).read()
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    reqs += int(re.search(r"(\d+) requests in", text).group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    err += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    err += sum(map(int, m.groups())) if m else 0
    for line in re.findall(r"^\s*(Non-2xx.*|Socket errors.*)$", text, re.M):
        sys.stderr.write("   wrk: %s\n" % line.strip())
    if i == 0:
        for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M):
            lat[p] = ms(v)
print("%.0f %.2f %.2f %d %d" % (rps, lat.get("50", 0), lat.get("99", 0), err, max(reqs, 1)))
PY
}
# cpu_ms PID...: CPU time (user + system, ms) used so far by the given
# processes and, for PostgreSQL's postmaster, by its children: the live
# ones (the nodes' backends, kept open: one per worker thread) and, through
# its cutime, the ones it has reaped.
cpu_ms() {
  python3 - "$@" <<'PY'
import os, sys
want = set(sys.argv[1:])
total = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    try:
        f = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    f = f[f.rindex(")") + 2:].split()  # from the 3rd field (state) on
    if pid in want:
        total += sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    elif f[1] in want:  # a child of a watched process: a postgres backend
        total += int(f[11]) + int(f[12])
print(total * 1000 // os.sysconf("SC_CLK_TCK"))
PY
}
watch=() # the processes whose CPU a measurement counts
outs=()  # the wrk outputs of the last run
# measure VAR RUN ARGS...: runs RUN (run_get, run_list or run_mixed), then
# sets VAR to "req/s p50 p99 errors requests cpu_us", cpu_us being the CPU
# of the watched processes per request (the machine's other load does not
# count in it, unlike in req/s and latencies).
measure() {
  local var=$1 c0 c1 st
  shift
  c0=$(cpu_ms "${watch[@]}")
  "$@"
  c1=$(cpu_ms "${watch[@]}")
  st=$(stats "${outs[@]}")
  printf -v "$var" '%s %s' "$st" "$(((c1 - c0) * 1000 / ${st##* }))"
}
# run_get OUT PORT TOKEN / run_list OUT PORT TOKEN: one wrk run, 2 threads
run_get() {
  outs=("$1")
  wrk -t2 -c"$conns" -d"${seconds}s" --latency -H "Authorization: Bearer $3" -s "$lua" \
    "http://127.0.0.1:$2" -- "$tmp/ids" 1 >"$1"
}
run_list() {
  outs=("$1")
  wrk -t2 -c4 -d"${seconds}s" --latency -H "Authorization: Bearer $3" "http://127.0.0.1:$2$list" >"$1"
}
# run_mixed OUT PORT_A PORT_B TOKEN: two wrk at once (1 thread, conns/2
# connections each, 9 GETs of a contact to 1 list), the first against
# PORT_A, the second against PORT_B
run_mixed() {
  local half=$((conns / 2 > 0 ? conns / 2 : 1)) a b
  outs=("$1.a" "$1.b")
  wrk -t1 -c"$half" -d"${seconds}s" --latency -H "Authorization: Bearer $4" -s "$lua" \
    "http://127.0.0.1:$2" -- "$tmp/ids" 1 "$list" 10 >"$1.a" &
  a=$!
  wrk -t1 -c"$half" -d"${seconds}s" --latency -H "Authorization: Bearer $4" -s "$lua" \
    "http://127.0.0.1:$3" -- "$tmp/ids" 2 "$list" 10 >"$1.b" &
  b=$!
  wait "$a" "$b"
}
errors=0
row() { # row LABEL MEASURE
  local rps p50 p99 e cpu
  read -r rps p50 p99 e _ cpu <<<"$2"
  errors=$((errors + e))
  printf '   %-28s %6s req/s  p50 %6s ms  p99 %6s ms  %5s us CPU/req%s\n' "$1" "$rps" "$p50" "$p99" \
    "$cpu" "$([ "$e" = 0 ] || echo "  ($e errors)")"
}
sq_port='' sq_pid='' pa_port='' pa_pid='' pb_port='' pb_pid='' # set by start_node
sq_get='' sq_list='' sq_mix='' pg_get='' pg_list='' m=''           # set by measure

# --- 1. one node: SQLite, then PostgreSQL ---------------------------------
echo "== one node on SQLite (load $(load))"
start_node sq "$sdb"
watch=("$sq_pid")
wait_idle sq_due
tok=$(login "$sq_port")
sq_page=$(page_ids "$sq_port" "$tok")
measure sq_get run_get "$tmp/sq.get" "$sq_port" "$tok"
row "GET contact, $conns conn." "$sq_get"
measure sq_list run_list "$tmp/sq.list" "$sq_port" "$tok"
row "list, 4 conn." "$sq_list"
measure sq_mix run_mixed "$tmp/sq.mix" "$sq_port" "$sq_port" "$tok"
row "mixed, 2 wrk" "$sq_mix"
stop_node "$sq_pid"

echo "== one node on PostgreSQL (load $(load))"
pg_master=$(head -n 1 "$pgdir/data/postmaster.pid")
start_node pa "$pdb"
watch=("$pa_pid" "$pg_master")
wait_idle pg_due
tok=$(login "$pa_port")
pg_page=$(page_ids "$pa_port" "$tok")
if [ "$sq_page" = "$pg_page" ]; then same=yes; else same=NO; fi
echo "   the list's page is the same on both stores: $same"
measure pg_get run_get "$tmp/pg.get" "$pa_port" "$tok"
row "GET contact, $conns conn." "$pg_get"
measure pg_list run_list "$tmp/pg.list" "$pa_port" "$tok"
row "list, 4 conn." "$pg_list"

# --- 2. two nodes on the same PostgreSQL vs one ---------------------------
echo "== a second node on the same PostgreSQL database (load $(load))"
start_node pb "$pdb" claimed
watch=("$pa_pid" "$pb_pid" "$pg_master")
wait_idle pg_due
curl -sf "http://127.0.0.1:$pb_port/api/v1/me" -H "Authorization: Bearer $tok" >/dev/null &&
  echo "   the session made on node 1 is accepted by node 2"
one=() two=()
for i in $(seq "$rounds"); do
  measure m run_mixed "$tmp/one.$i" "$pa_port" "$pa_port" "$tok"
  row "mixed, round $i: one node" "$m"
  one+=("$m")
  measure m run_mixed "$tmp/two.$i" "$pa_port" "$pb_port" "$tok"
  row "mixed, round $i: two nodes" "$m"
  two+=("$m")
done

# --- summary ---------------------------------------------------------------
echo "== summary ($contacts contacts, ${seconds} s a run, load $(load) at $(date -u +%H:%M) UTC)"
python3 - "$conns" "$sq_get" "$pg_get" "$sq_list" "$pg_list" "$sq_mix" "$(printf '%s;' "${one[@]}")" \
  "$(printf '%s;' "${two[@]}")" <<'PY'
import sys
conns = sys.argv[1]
sg, pg, sl, pl, sm = ([float(x) for x in a.split()] for a in sys.argv[2:7])
one = [[float(x) for x in m.split()] for m in sys.argv[7].split(";") if m]
two = [[float(x) for x in m.split()] for m in sys.argv[8].split(";") if m]
def cell(m):
    return "%s req/s, p50 %.2f ms, p99 %.2f ms, %d us CPU/req" % (format(m[0], ",.0f"), m[1], m[2], m[5])
print("| benchmark | SQLite, one node | PostgreSQL, one node | PG/SQLite req/s (CPU/req) |")
print("|---|---|---|---|")
for name, s, p in (("GET one contact (ids over the account), %s conn." % conns, sg, pg),
                   ("`status=lead&sort=-score&limit=50`, 4 conn.", sl, pl)):
    print("| %s | %s | %s | **%.2f** (%.1fx) |" % (name, cell(s), cell(p), p[0] / s[0], p[5] / max(s[5], 1)))
mean = lambda ms, k: sum(m[k] for m in ms) / len(ms)
o, t = mean(one, 0), mean(two, 0)
runs = lambda ms: ", ".join(format(m[0], ",.0f") for m in ms)
print()
print("| mixed reads (9 GET : 1 list), 2 wrk x %d conn. | req/s | CPU/req |" % max(int(conns) // 2, 1))
print("|---|---|---|")
print("| one node on SQLite | %s | %d us |" % (format(sm[0], ",.0f"), sm[5]))
print("| one node on PostgreSQL | %s (%s) | %d us |" % (format(o, ",.0f"), runs(one), mean(one, 5)))
print("| two nodes on the same PostgreSQL | %s (%s) | %d us |" % (format(t, ",.0f"), runs(two), mean(two, 5)))
print("| **two/one** | **%.2f** | %.2f |" % (t / o, mean(two, 5) / max(mean(one, 5), 1)))
PY
[ "$errors" = 0 ] || echo "WARNING: $errors non-2xx answers or socket errors in the runs above"
echo "(2 cores shared by PostgreSQL, the nodes and wrk: two/one shows the mechanism, not a cluster's scaling;" \
  "CPU/req counts the node(s) and PostgreSQL, not wrk)"
