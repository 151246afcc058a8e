#!/usr/bin/env bash
# bench/import: `rapport import` of 100,000 CSV rows (bench/import/gen.py:
# a spreadsheet-style export with accents, phones typed several ways,
# multi-line notes and ~2 % duplicates) into a fresh database -- parsed,
# normalised, matched, the rules, history, search index and scores applied
# -- against `sqlite3 .import` of the same file into a bare table, in the
# same run. Prints both times and the ratio (issue 8: < 3 s and <= 5x).
# Usage: bench/import/run.sh [--rows 100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=100000
while (($#)); do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    *) echo "usage: $0 [--rows N]" >&2; exit 2 ;;
  esac
done
for t in sqlite3 python3 /usr/bin/time; do
  command -v $t >/dev/null || { echo "bench: $t missing; run scripts/deps --bench" >&2; exit 1; }
done
build=${BUILD:-build}
[ -n "${NO_MAKE:-}" ] || make BUILD="$build" -j2 "$build/rapport" >/dev/null
bin=$PWD/$build/rapport
tmp=$(mktemp -d /tmp/rapport-bench-import.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo)," \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/import/gen.py "$rows" "$tmp/contacts.csv"
echo "== $rows rows, $(du -h "$tmp/contacts.csv" | cut -f1)"

secs() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" |
  awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }'; }

echo "== reference: sqlite3 .import into a bare table (WAL, as rapport's database)"
sqlite3 "$tmp/ref.db" "PRAGMA journal_mode = WAL" >/dev/null
/usr/bin/time -v sqlite3 "$tmp/ref.db" ".import --csv $tmp/contacts.csv contacts" 2>"$tmp/ref.time"
ref=$(secs "$tmp/ref.time")
echo "sqlite3: ${ref} s, $(sqlite3 "$tmp/ref.db" 'SELECT count(*) FROM contacts') rows"

echo "== rapport import"
db=$tmp/rapport.db
"$bin" --db "$db" init --account Bench --email bench@rapport.test --password bench-password >/dev/null
/usr/bin/time -v "$bin" --db "$db" import "$tmp/contacts.csv" 2>"$tmp/imp.time" | tee "$tmp/imp.out"
imp=$(secs "$tmp/imp.time")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/imp.time")
cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$tmp/imp.time")
echo "== summary (load now $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$imp" "$ref" "$cpu" "$rss" "$rows" <<'PY'
import sys
imp, ref, cpu, rss, rows = map(float, sys.argv[1:])
print(f"rapport import of {int(rows)} rows: {imp:.2f} s wall ({cpu:.2f} s CPU, {rows / imp:,.0f} rows/s), "
      f"peak RSS {rss / 1024:.0f} MiB (goal < 3 s)")
print(f"sqlite3 .import: {ref:.2f} s; ratio {imp / ref:.1f}x (goal <= 5x)")
PY
