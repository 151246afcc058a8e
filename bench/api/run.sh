#!/usr/bin/env bash
# bench/api: rapport's GET /api/v1/contacts/{id} against nginx serving the
# same JSON bytes as a static file, same wrk settings, same run; prints the
# ratio (goal >= 0.5). Then the latency of a filtered, sorted contact list at
# N demo contacts (goal p99 < 20 ms), and how long `rapport demo` took.
# Everything listens on 127.0.0.1 and stops by itself.
# Usage: bench/api/run.sh [--contacts 100000] [--seconds 10] [--connections 32]
# BUILD=build-x bench/api/run.sh measures the binary of another build directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
contacts=100000 seconds=10 conns=32
while (($#)); do
  case "$1" in
    --contacts) contacts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    *) echo "usage: $0 [--contacts N] [--seconds S] [--connections C]" >&2; exit 2 ;;
  esac
done
source bench/lib.sh
bench_start wrk nginx curl

db=$tmp/bench.db
$bin --db "$db" init --account Bench --email bench@rapport.test --password bench-password >/dev/null
start=$(date +%s.%N)
$bin --db "$db" demo --contacts "$contacts" --seed 1 >/dev/null 2>&1
demo_s=$(echo "$(date +%s.%N) - $start" | bc)

port=$(free_port)
RAPPORT_LOG=warn $bin --db "$db" serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
token=$(bench_login "$port")
auth="Authorization: Bearer $token"
id=$(curl -sf "http://127.0.0.1:$port/api/v1/contacts?limit=1&sort=-score" -H "$auth" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')

# nginx serves the very bytes rapport answers, at the same path.
mkdir -p "$tmp/www/api/v1/contacts"
curl -sf "http://127.0.0.1:$port/api/v1/contacts/$id" -H "$auth" > "$tmp/www/api/v1/contacts/$id"
nginx_serve application/json "$(nproc)" "/api/v1/contacts/$id"

rps() { awk '/Requests\/sec/ {print $2}'; }
echo "== GET one contact, $conns connections, ${seconds}s each"
# a warm-up of each first (caches; the server's start-up work: today's
# daily job runs at start, ~1 s at 100k contacts)
wrk -t2 -c"$conns" -d3s -H "$auth" "http://127.0.0.1:$port/api/v1/contacts/$id" >/dev/null
wrk -t2 -c"$conns" -d3s -H "$auth" "http://127.0.0.1:$nport/api/v1/contacts/$id" >/dev/null
r_out=$(wrk -t2 -c"$conns" -d"${seconds}s" -H "$auth" "http://127.0.0.1:$port/api/v1/contacts/$id")
n_out=$(wrk -t2 -c"$conns" -d"${seconds}s" -H "$auth" "http://127.0.0.1:$nport/api/v1/contacts/$id")
r=$(echo "$r_out" | rps); n=$(echo "$n_out" | rps)
echo "rapport: $r req/s   nginx (same bytes): $n req/s   ratio: $(echo "scale=2; $r / $n" | bc)"

list="/api/v1/contacts?status=prospect,lead&sort=-score&limit=50"
echo "== GET $list at $contacts contacts, 4 connections"
wrk -t2 -c4 -d"${seconds}s" --latency -H "$auth" "http://127.0.0.1:$port$list" |
  awk '/Latency Distribution/ {p=1} p && /%/ {print "  p" $1 " " $2} /Requests\/sec/ {print "  " $0}'
echo "== demo --contacts $contacts took ${demo_s}s"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
