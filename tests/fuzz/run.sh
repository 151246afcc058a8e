#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer binary (with AddressSanitizer
# and UndefinedBehaviorSanitizer) and runs each for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]     seconds per driver, default 20
#
# A driver may name the sources it needs on a comment line
#   "fuzz-sources: src/core/phone.c src/util/error.c"
# Without one, it is built with src/util/*.c, src/core/*.c and every src/X/Y.c
# whose header X/Y.h it includes, directly or through those files, linked
# with the project's pkg-config libraries.
# Binaries, corpora and crash files go to $FUZZ_BUILD (default build-fuzz/).
# Exit status: 0 when every driver ran clean (or clang is missing), 1 otherwise.
set -u
secs=${1:-20}
case $secs in '' | *[!0-9]*) echo "usage: $0 [seconds]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/../.." || exit 1

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed, skipping the fuzzers (install the Debian package: apt-get install -y clang)"
  exit 0
fi

out=${FUZZ_BUILD:-build-fuzz}
mkdir -p "$out"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Isrc \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
failed=""

# The .c files of src/ reached from $1 through '#include "X/Y.h"' lines.
include_closure() {
  todo=$1
  seen=""
  found=""
  while [ -n "$todo" ]; do
    # shellcheck disable=SC2086 # a space-separated work list
    set -- $todo
    file=$1
    shift
    todo="$*"
    # shellcheck disable=SC2013 # header names hold no spaces
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$file"); do
      case " $seen " in *" $h "*) continue ;; esac
      seen="$seen $h"
      [ -f "src/$h.h" ] && todo="$todo src/$h.h"
      if [ -f "src/$h.c" ]; then
        found="$found src/$h.c"
        todo="$todo src/$h.c"
      fi
    done
  done
  echo "$found"
}

for driver in tests/fuzz/fuzz_*.c; do
  [ -e "$driver" ] || continue
  name=$(basename "$driver" .c)
  srcs=$(sed -n 's/^.*fuzz-sources:[[:space:]]*\(.*[^[:space:]*/]\)[[:space:]*/]*$/\1/p' "$driver" | head -n 1)
  libs="-lm"
  if [ -z "$srcs" ]; then
    # shellcheck disable=SC2046 # one word per file
    srcs=$(printf '%s\n' src/util/*.c src/core/*.c $(include_closure "$driver") | sort -u)
    libs="$(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium libcurl libical 2>/dev/null) -lcsv -lm -lpthread"
  fi
  echo "== $name: building"
  # shellcheck disable=SC2086 # word splitting of the source list is intended
  if ! clang $cflags -o "$out/$name" "$driver" $srcs $libs; then
    echo "== $name: BUILD FAILED"
    failed="$failed $name"
    continue
  fi
  mkdir -p "$out/corpus/$name" "$out/crashes/$name"
  # Seeds (tests/fuzz/seeds/NAME/) and a dictionary (tests/fuzz/NAME.dict)
  # lead the fuzzer into the parser instead of its first byte checks.
  seeds="" dict=""
  [ -d "tests/fuzz/seeds/$name" ] && seeds="tests/fuzz/seeds/$name"
  [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
  echo "== $name: running for ${secs}s"
  # shellcheck disable=SC2086 # empty options vanish
  if "$out/$name" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
      -print_final_stats=1 -artifact_prefix="$out/crashes/$name/" $dict "$out/corpus/$name" \
      $seeds >"$out/$name.log" 2>&1; then
    tail -n 12 "$out/$name.log" | grep -E '^(stat::number_of_executed_units|Done)' || true
    echo "== $name: ok"
  else
    tail -n 40 "$out/$name.log"
    echo "== $name: FAILED (log $out/$name.log, inputs in $out/crashes/$name/)"
    failed="$failed $name"
  fi
done

if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed"
  exit 1
fi
echo "fuzz: all drivers ran clean"
