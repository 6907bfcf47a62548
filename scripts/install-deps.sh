#!/usr/bin/env bash
# Installs the Debian 12 packages dnmf needs to build and test; does nothing when
# they are all present. Safe to run repeatedly (CI and fresh machines run it).
set -euo pipefail

packages=(
  g++ pkg-config meson ninja-build   # toolchain and build system
  libeigen3-dev                      # dense linear algebra (header-only)
  libsuitesparse-dev                 # CHOLMOD
  libgraphblas-dev                   # SuiteSparse:GraphBLAS 7 (sparse x sparse)
  libnanoflann-dev                   # kd-tree kNN (header-only)
  libboost-graph-dev                 # graph algorithms (cross-checks)
  libboost-test-dev                  # unit tests
  zlib1g-dev                         # gzip-compressed inputs
  libcli11-dev                       # command-line parsing (header-only)
  nlohmann-json3-dev                 # JSON output (header-only)
  libspectra-dev                     # Lanczos eigensolvers: spectral clustering, NNDSVD (header-only)
  python3                            # the test scripts read JSON with it
  pybind11-dev python3-pybind11      # the Python package's bindings (python/)
  python3-numpy python3-scipy        # the Python package: arrays and sparse matrices
  python3-pytest                     # the Python tests (meson test --suite python)
)
# Optional for the Python package (its tests skip what is missing): scikit-learn's
# estimator checks, graph objects and plots. DNMF_WITH_PYTHON_EXTRAS=0 leaves them out.
if [ "${DNMF_WITH_PYTHON_EXTRAS:-1}" = 1 ]; then
  packages+=(python3-sklearn python3-networkx python3-igraph python3-matplotlib)
fi
if [ "${DNMF_WITH_FORMAT:-0}" = 1 ]; then packages+=(clang-format); fi
if [ "${DNMF_WITH_LEIDEN:-0}" = 1 ]; then packages+=(python3-igraph python3-leidenalg); fi
# libFuzzer harnesses and the sanitizer build of .ci/run: clang with its runtimes.
if [ "${DNMF_WITH_FUZZ:-0}" = 1 ]; then packages+=(clang-14 libclang-rt-14-dev libomp-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
