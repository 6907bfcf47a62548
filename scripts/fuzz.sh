#!/usr/bin/env bash
# Runs every libFuzzer harness of a -Dfuzz=true build for a bounded time on a copy of its
# seed corpus (tests/fuzz/corpus/<name>), with the build's sanitizers. Fails on the first
# crash, leak, timeout or out-of-memory report (the reproducer is kept in the work dir).
#   scripts/fuzz.sh BUILD_DIR [SECONDS_PER_HARNESS] [extra libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS] [flags...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for name in matrix_market edge_list labels model_file data_formats options; do
  exe="$build/tests/fuzz/fuzz_$name"
  [ -x "$exe" ] || { echo "fuzz: $exe is missing (configure with -Dfuzz=true)" >&2; exit 2; }
  mkdir -p "$work/$name"
  cp tests/fuzz/corpus/$name/* "$work/$name/"
  echo "== fuzz_$name: ${seconds} s"
  if ! (cd "$work" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
        "$OLDPWD/$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "$@" "$work/$name" >"$work/$name.log" 2>&1); then
    tail -n 40 "$work/$name.log" >&2
    echo "fuzz_$name FAILED; reproducer: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -1)" >&2
    status=1
    continue
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$name.log" | sed "s/^/  /"
done
exit $status
