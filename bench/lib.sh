# bench/lib.sh: what the HTTP benchmarks share; sourced by bench/api/run.sh
# and bench/export/run.sh from the project root.

# Checks the tools, builds rapport (BUILD=dir for another build directory)
# and sets bin, tmp (a directory removed at exit) and pids (processes
# stopped at exit).
bench_start() {
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "bench: $t missing; run scripts/deps --bench" >&2; exit 1; }
  done
  build=${BUILD:-build}
  make BUILD="$build" -j"$(nproc)" >/dev/null
  bin=$PWD/$build/rapport
  tmp=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null
  rm -rf "$tmp"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The bearer token of bench@rapport.test on the server at port $1.
bench_login() {
  curl -sf "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"bench@rapport.test","password":"bench-password"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# Starts nginx serving $tmp/www with default type $1 and worker count $2
# on a free port (nport), and checks it answers the file $3 (a path under
# $tmp/www) byte for byte; stops the benchmark otherwise.
nginx_serve() {
  mkdir -p "$tmp/nginx"
  nport=$(free_port)
  cat > "$tmp/nginx/nginx.conf" <<NGINX
worker_processes $2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nport;
    location / { root $tmp/www; default_type $1; }
  }
}
NGINX
  # nginx's workers are not root: a 0700 mktemp directory gave them 403s
  chmod a+x "$tmp"
  chmod -R a+rX "$tmp/www"
  nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
  pids+=($!)
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$nport$3" && break; sleep 0.1; done
  cmp -s <(curl -sf "http://127.0.0.1:$nport$3") "$tmp/www$3" ||
    { echo "bench: nginx does not serve the reference bytes: $(tail -1 "$tmp/nginx/error.log")" >&2; exit 1; }
}
