#!/usr/bin/env bash
# bench/score: the full rescore (`rapport score`) of 1,000,000 contacts with
# ~20,000,000 activities against the sqlite3 shell reading the same rows in
# contact order from a table clustered by (contact_id, occurred_at) WITHOUT
# ROWID, in the same run; the peak RSS of the rescore; the incremental
# rescore of one write (in-process, bench/score/incr.c) and the latency of
# POST /api/v1/activities on that database. Prints ratios against the
# goals of issue 5 (rescore < 10 s and <= 1.5x the reference, RSS < 1 GiB,
# incremental p99 < 2 ms added).
#
# The database is built in a temporary directory under /tmp straight with
# the sqlite3 shell (bench/score/gen.sql; rapport demo would take many
# minutes) and removed at the end. Everything listens on 127.0.0.1.
# Usage: bench/score/run.sh [--contacts 1000000] [--mean 20] [--samples 2000]
# BUILD=build-x bench/score/run.sh measures the binary of another build;
# NO_MAKE=1 takes that build as it is (no make first). --keep FILE builds
# the database at FILE and keeps it, or takes the one there (made by an
# earlier --keep run of the same schema): the first rescore is then not of
# a raw-loaded database, and the runs leave its scores as they end.
set -euo pipefail
cd "$(dirname "$0")/../.."
contacts=1000000 mean=20 samples=2000 posts=1000 keep= reused=0
while (($#)); do
  case "$1" in
    --contacts) contacts=$2; shift 2 ;;
    --mean) mean=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --posts) posts=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--contacts N] [--mean M] [--samples S] [--posts P] [--keep FILE]" >&2; exit 2 ;;
  esac
done
for t in sqlite3 hyperfine curl node python3 /usr/bin/time; do
  command -v $t >/dev/null || { echo "bench: $t missing; run scripts/deps --bench" >&2; exit 1; }
done
build=${BUILD:-build}
[ -n "${NO_MAKE:-}" ] || make BUILD="$build" -j2 "$build/rapport" "$build/librapport.a" >/dev/null
bin=$PWD/$build/rapport
tmp=$(mktemp -d /tmp/rapport-bench-score.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PKGS="libmicrohttpd jansson sqlite3 libsodium libcurl libical libpq"
# shellcheck disable=SC2046
cc -O2 -g -std=c11 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS) -o "$tmp/incr" \
  bench/score/incr.c "$build/librapport.a" $(pkg-config --libs $PKGS) -lcsv -lm -lpthread

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo)," \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
db=${keep:-$tmp/bench.db}
now=$(date +%s)
if [ -n "$keep" ] && [ -f "$keep" ]; then
  now=$(cat "$keep.now")
  echo "== the kept database $keep (its scores as the last run left them)"
  reused=1
else
  $bin --db "$db" init --account Bench --email bench@rapport.test --password bench-password >/dev/null

  echo "== building $contacts contacts, ~$((contacts * mean)) activities"
  start=$(date +%s.%N)
  # Load with the indexes of contacts and activities dropped; recreate them
  # after (one sort each instead of random inserts), rollback journal.
  sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index'
    AND sql IS NOT NULL AND tbl_name IN ('contacts', 'activities')" > "$tmp/drop.sql"
  sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index'
    AND sql IS NOT NULL AND tbl_name IN ('contacts', 'activities')" > "$tmp/create.sql"
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = DELETE;
.read $tmp/drop.sql
.parameter init
.parameter set :contacts $contacts
.parameter set :mean $mean
.parameter set :now $now
.read bench/score/gen.sql
.parameter clear
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
PRAGMA threads = 2;
.read $tmp/create.sql
PRAGMA journal_mode = WAL;
SQL
  build_s=$(echo "$(date +%s.%N) - $start" | bc)
  n_acts=$(sqlite3 "$db" "SELECT count(*) FROM activities")
  n_contacts=$(sqlite3 "$db" "SELECT count(*) FROM contacts")
  [ -z "$keep" ] || echo "$now" > "$keep.now"
  echo "built $n_contacts contacts, $n_acts activities in ${build_s} s; database $(du -h "$db" | cut -f1)"
fi
echo "== reference: sqlite3 reads the same rows in contact order (clustered, WITHOUT ROWID)"
ref=$tmp/ref.db
sqlite3 "$ref" >/dev/null <<SQL
PRAGMA page_size = 16384;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
ATTACH '$db' AS m;
CREATE TABLE ref_acts (
  contact_id BLOB NOT NULL, occurred_at INTEGER NOT NULL, id BLOB NOT NULL,
  kind TEXT NOT NULL, direction TEXT NOT NULL, importance TEXT NOT NULL, duration_s INTEGER,
  score_code INTEGER NOT NULL,
  PRIMARY KEY (contact_id, occurred_at, id)) WITHOUT ROWID;
INSERT INTO ref_acts
  SELECT contact_id, occurred_at, id, kind, direction, importance, duration_s, score_code
  FROM m.activities
  WHERE account_id = (SELECT id FROM m.accounts LIMIT 1)
  ORDER BY account_id, contact_id, occurred_at, id;
SQL
echo "SELECT contact_id, occurred_at, kind, direction, importance, duration_s FROM ref_acts;" \
  > "$tmp/q_rows.sql"
echo "SELECT count(*), sum(length(contact_id)), sum(occurred_at), sum(length(kind)),
  sum(length(direction)), sum(length(importance)), sum(duration_s) FROM ref_acts;" > "$tmp/q_agg.sql"
# the same over the columns rapport's activity index holds (the three texts
# as one integer, score_code: migrations/012_activity_score_code.sql)
echo "SELECT count(*), sum(length(contact_id)), sum(occurred_at), sum(score_code), sum(duration_s)
  FROM ref_acts;" > "$tmp/q_code.sql"
# hyperfine sends the output to /dev/null
hyperfine -N --warmup 1 --runs 3 --export-json "$tmp/ref.json" \
  -n rows "sqlite3 $ref '.read $tmp/q_rows.sql'" \
  -n aggregate "sqlite3 $ref '.read $tmp/q_agg.sql'" \
  -n aggregate-code "sqlite3 $ref '.read $tmp/q_code.sql'" >/dev/null
read -r ref_rows ref_agg ref_code < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f" % x["mean"] for x in r))' "$tmp/ref.json")
echo "sqlite3, rows to /dev/null: ${ref_rows} s   aggregate over the same rows: ${ref_agg} s" \
  "  over the stored columns (score_code for the three texts): ${ref_code} s"

echo "== rapport score (full rescore, both cores)"
rescore() {
  /usr/bin/time -v "$bin" --db "$db" score "$@" >"$tmp/score.out" 2>"$tmp/score.time"
  cat "$tmp/score.out"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/score.time" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/score.time")
  echo "  wall ${wall} s, peak RSS $((rss / 1024)) MiB, $(awk -F': ' '/Percent of CPU/ {print $2}' "$tmp/score.time") CPU"
}
echo "-- first run (writes the new scores)"
rescore; first_wall=$wall; first_rss=$rss
echo "-- second run (nothing changed)"
rescore; second_wall=$wall; second_rss=$rss
hyperfine -N --runs 3 --export-json "$tmp/score.json" "$bin --db $db score" >/dev/null
steady=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$tmp/score.json")
echo "-- three more runs (nothing changed), mean: ${steady} s"
tomorrow=$(date -u -d @$((now + 86400)) +%Y-%m-%dT%H:%M:%SZ)
echo "-- the next day (--as-of $tomorrow): what the daily job's rescore writes"
rescore --as-of "$tomorrow"; day_wall=$wall; day_rss=$rss
echo "-- every kept score stale (as after a change of the scoring settings), same day"
sqlite3 "$db" "PRAGMA cache_size = -400000; UPDATE contact_scores SET score = -1"
sync # (the kernel's writeback of that update would otherwise land in the run)
rescore --as-of "$tomorrow"; stale_wall=$wall; stale_rss=$rss

echo "== incremental rescore of one write, in-process ($samples contacts)"
"$tmp/incr" "$db" "$samples" | tee "$tmp/incr.out"

echo "== POST /api/v1/activities, one at a time ($posts requests)"
# The server's scheduler would run today's daily job at start (a write
# transaction over the million contacts) while we measure: claim today and
# tomorrow for the account first, as a run of another process would have.
sqlite3 "$db" "INSERT OR IGNORE INTO daily_claims (account_id, day, claimed_at)
  SELECT id, $(date +%s) / 86400 + k, $(date +%s) FROM accounts, (SELECT 0 AS k UNION ALL SELECT 1)"
port=$(free_port)
RAPPORT_LOG=warn $bin --db "$db" serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
token=$(curl -sf http://127.0.0.1:$port/api/v1/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"bench@rapport.test","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
node bench/score/post.mjs "http://127.0.0.1:$port" "$token" "$contacts" "$posts"

echo "== summary (load now $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$ref_rows" "$ref_agg" "$ref_code" "$first_wall" "$second_wall" "$steady" "$day_wall" "$stale_wall" \
  "$first_rss" "$second_rss" "$day_rss" "$stale_rss" "$reused" <<'PY'
import sys
ref_rows, ref_agg, ref_code, first, second, steady, day, stale = map(float, sys.argv[1:9])
rss = max(map(int, sys.argv[9:13])) / 1024
def against(t):
    return (f"{t / ref_rows:.2f}x the sqlite3 rows reference (goal <= 1.5x), {t / ref_agg:.2f}x the aggregate, "
            f"{t / ref_code:.2f}x the aggregate of the stored columns")
print(f"full rescore, no change: {steady:.2f} s (goal < 10 s);\n  {against(steady)}")
print(f"full rescore, the next day (the daily job's): {day:.2f} s (goal < 10 s);\n  {against(day)}")
print(f"full rescore, every kept score stale: {stale:.2f} s (goal < 10 s);\n  {against(stale)}")
if sys.argv[13] == "1":
    print(f"full rescore, first run on the kept database (its scores as the last run left them): "
          f"{first:.2f} s; {first / ref_rows:.2f}x the reference")
else:
    print(f"full rescore, first run on the database loaded behind rapport's back (no derived field ever\n"
          f"  written: score, last touch and overdue rewritten for every contact): {first:.2f} s; "
          f"{first / ref_rows:.2f}x the reference")
print(f"peak RSS {rss:.0f} MiB (goal < 1024 MiB)")
PY
sed -n 's/^added.* p99 \([0-9.]*\) ms.*/incremental rescore: added p99 \1 ms (goal < 2 ms)/p' "$tmp/incr.out"
sed -n 's/^refresh-deferred.* p99 \([0-9.]*\) ms.*/  (refresh without the score p99 \1 ms,/p; s/^refresh-scored.* p99 \([0-9.]*\) ms.*/   with the score p99 \1 ms)/p' "$tmp/incr.out"
