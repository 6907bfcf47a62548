#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build, and run the whole test
# suite. With BUILD_DIR and meson options (e.g. -Db_sanitize=address,undefined)
# it builds and tests another configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh "$@"
build_dir=${BUILD_DIR:-build}
status=0
# shellcheck disable=SC2086
meson test -C "$build_dir" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-} || status=$?
# One closing line that any CI reader understands.
python3 - "$build_dir/meson-logs/testlog.json" <<'PY' || true
import json, sys
ok = fail = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: fail += 1
print(f"tests: {ok} passed, {fail} failed, {skip} skipped")
PY
exit $status
