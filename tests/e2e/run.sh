#!/usr/bin/env bash
# End-to-end tests of the web UI (docs/web.md): starts a real
# `rapport serve` on a free port with a small demo database and the built
# UI (web/dist), then runs tests/e2e/*.test.mjs, which drive Debian's
# Chromium (/usr/bin/chromium) through playwright-core. Screenshots of
# failures go to tests/e2e/screenshots/. RAPPORT_BIN picks the binary
# (default build/rapport); CHROMIUM the browser; WEB_DIR the built UI
# (default web/dist). Arguments: test files to run (default: all).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${RAPPORT_BIN:-$root/build/rapport}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM" ]]; then
  echo "e2e: SKIPPED: $CHROMIUM is missing (scripts/deps installs Debian's chromium)"
  exit 0
fi
web_dir="${WEB_DIR:-$root/web/dist}"
if [[ ! -f "$web_dir/index.html" ]]; then
  echo "e2e: the web UI is not built (web/dist); run: make web" >&2
  exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" || "$here/package-lock.json" -nt "$here/node_modules" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
  touch "$here/node_modules"
fi

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

db="$tmp/e2e.db"
email=demo@rapport.test password=demo-password
"$bin" --db "$db" init --account "E2E Realty" --email "$email" --password "$password" >/dev/null
"$bin" --db "$db" demo --contacts 200 --seed 7 >/dev/null
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$bin" --db "$db" serve --listen "127.0.0.1:$port" --web-dir "$web_dir" --threads 2 >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/serve.log" >&2; exit 1; fi
  sleep 0.1
done

export RAPPORT_URL="http://127.0.0.1:$port" RAPPORT_EMAIL="$email" RAPPORT_PASSWORD="$password"
mkdir -p "$here/screenshots"
status=0
files=("$@")
((${#files[@]})) || files=("$here"/*.test.mjs)
node --test --test-concurrency=1 "${files[@]}" || status=$?
if ((status)); then
  echo "e2e: FAILED; screenshots in tests/e2e/screenshots/, server log:" >&2
  tail -20 "$tmp/serve.log" >&2
fi
exit $status
