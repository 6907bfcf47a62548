#!/usr/bin/env bash
# Installs libdnmf into a temporary prefix and builds a consumer program with
# `pkg-config --cflags --libs dnmf` only, then runs it: proves the installed
# headers, soname, pkg-config file and Eigen requirement are complete.
set -euo pipefail
build_root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build_root" --destdir "$tmp/stage" --no-rebuild --quiet --tags runtime,devel,man >/dev/null
[ -n "$(find "$tmp/stage" -path '*man1/dnmf.1')" ] || { echo "man page dnmf.1 was not installed" >&2; exit 1; }
[ -n "$(find "$tmp/stage" -path '*bash-completion/completions/dnmf')" ] \
  || { echo "bash completion was not installed" >&2; exit 1; }
pc=$(find "$tmp/stage" -name dnmf.pc | head -n 1)
[ -n "$pc" ] || { echo "dnmf.pc was not installed" >&2; exit 1; }
libdir=$(cd "$(dirname "$pc")/.." && pwd)
ls "$libdir"/libdnmf.so.0 >/dev/null || { echo "versioned soname libdnmf.so.0 missing" >&2; exit 1; }
[ -f "$(dirname "$pc")/../../../include/dnmf/dnmf.hpp" ] || [ -n "$(find "$tmp/stage" -path '*include/dnmf/dnmf.hpp')" ] \
  || { echo "public headers missing" >&2; exit 1; }

cat > "$tmp/consumer.cpp" <<'CPP'
#include <dnmf/dnmf.hpp>
#include <iostream>

int main() {
  // Two well separated groups of samples over disjoint features.
  std::vector<dnmf::Triplet> t;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 3; ++j) t.push_back({i, (i < 20 ? 0 : 3) + j, 1.0 + 0.01 * ((i * 7 + j) % 5)});
  dnmf::DataMatrix X(dnmf::Csr::from_triplets(40, 6, t));
  dnmf::NmfOptions opt;
  opt.rank = 2;
  opt.seed = 3;
  const auto fit = dnmf::fit_nmf(X, opt);
  dnmf::KMeansOptions km;
  km.n_clusters = 2;
  const auto labels = dnmf::kmeans(fit.H, km).labels;
  std::vector<int> truth(40);
  for (int i = 0; i < 40; ++i) truth[i] = i < 20 ? 0 : 1;
  const auto e = dnmf::evaluate(truth, labels);
  std::cout << "consumer NMI " << e.nmi << "\n";
  return e.nmi > 0.99 ? 0 : 1;
}
CPP
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
flags=$(pkg-config --cflags --libs dnmf)
echo "pkg-config --cflags --libs dnmf: $flags"
# shellcheck disable=SC2086
c++ -std=c++20 "$tmp/consumer.cpp" -o "$tmp/consumer" $flags -Wl,-rpath,"$libdir"
"$tmp/consumer"
