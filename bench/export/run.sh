#!/usr/bin/env bash
# bench/export: GET /api/v1/export/all.jsonl (the whole account's backup) of
# N demo contacts, streamed (the server's default: a body past 32 MiB goes
# out as it is read) and held whole (RAPPORT_STREAM_BUFFER past its size:
# what every export did before), against nginx serving the same bytes as a
# static file, in the same run: the download's time and the server's peak
# resident memory (VmHWM) for each. Goal: the streamed export's memory does
# not grow with the account. Everything listens on 127.0.0.1 and stops by
# itself.
# Usage: bench/export/run.sh [--contacts 20000]
# BUILD=build-x bench/export/run.sh measures the binary of another build.
set -euo pipefail
cd "$(dirname "$0")/../.."
contacts=20000
while (($#)); do
  case "$1" in
    --contacts) contacts=$2; shift 2 ;;
    *) echo "usage: $0 [--contacts N]" >&2; exit 2 ;;
  esac
done
source bench/lib.sh
bench_start nginx curl

db=$tmp/bench.db
$bin --db "$db" init --account Bench --email bench@rapport.test --password bench-password >/dev/null
$bin --db "$db" demo --contacts "$contacts" --seed 1 >/dev/null 2>&1

# One download from a fresh server: prints "seconds peak_kib bytes".
download() { # $1: RAPPORT_STREAM_BUFFER
  local port pid token s e
  port=$(free_port)
  RAPPORT_LOG=warn RAPPORT_STREAM_BUFFER=$1 $bin --db "$db" serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
  token=$(bench_login "$port")
  sleep 1 # the server's daily job of today, run at start
  s=$(date +%s.%N)
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/export/all.jsonl" -o "$tmp/all.jsonl"
  e=$(date +%s.%N)
  echo "$(echo "$e - $s" | bc) $(awk '/VmHWM/ {print $2}' /proc/$pid/status) $(stat -c %s "$tmp/all.jsonl")"
  kill $pid
  wait $pid 2>/dev/null || true
}

read -r s_sec s_kib s_bytes < <(download 33554432)
read -r w_sec w_kib w_bytes < <(download 1000000000000)

# nginx serves the very bytes, at the same path.
mkdir -p "$tmp/www/api/v1/export"
mv "$tmp/all.jsonl" "$tmp/www/api/v1/export/all.jsonl"
nginx_serve application/x-ndjson 1 /api/v1/export/all.jsonl
s=$(date +%s.%N)
curl -sf -o /dev/null "http://127.0.0.1:$nport/api/v1/export/all.jsonl"
n_sec=$(echo "$(date +%s.%N) - $s" | bc)

mib() { echo "scale=1; $1 / 1024" | bc; }
echo "== GET /api/v1/export/all.jsonl at $contacts demo contacts"
echo "streamed:    ${s_sec}s  peak RSS $(mib "$s_kib") MiB  $s_bytes bytes"
echo "held whole:  ${w_sec}s  peak RSS $(mib "$w_kib") MiB  $w_bytes bytes"
echo "nginx (same bytes): ${n_sec}s   ratio streamed/nginx: $(echo "scale=1; $s_sec / $n_sec" | bc)x"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
