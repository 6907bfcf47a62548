#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and cluster the bundled
# Iris data with plain NMF, printing ACC / NMI / ARI against the true species.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/tools/dnmf cluster datasets/iris/X.mtx -k 3 --labels datasets/iris/labels.txt --seed 1 "$@"
