#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and cluster the bundled
# Iris data with the flagship model, DANMF-CRFR (plain NMF for comparison), printing
# ACC / NMI / ARI against the true species.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/tools/dnmf cluster datasets/iris/X.mtx -k 3 --labels datasets/iris/labels.txt --seed 1 --quiet "$@"
exec build/tools/dnmf cluster datasets/iris/X.mtx -k 3 --model danmf-crfr --labels datasets/iris/labels.txt \
  --seed 1 "$@"
