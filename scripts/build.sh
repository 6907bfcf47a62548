#!/usr/bin/env bash
# Configures (once) and builds dnmf in ./build (release). Extra arguments go to
# `meson setup`, e.g. scripts/build.sh -Db_sanitize=address,undefined with BUILD_DIR set.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$@" >&2
fi
ninja -C "$build_dir" >&2
