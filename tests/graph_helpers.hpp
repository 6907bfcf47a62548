// Small random graphs shared by the graph-model test suites.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/rng.hpp"

namespace test {

/// Stochastic block model: edge i→j with probability p_in inside a block, p_out across
/// (or `next` from block b to block b+1 mod blocks, when given). Undirected graphs store
/// both directions. Block of node i is i % blocks.
inline dnmf::Csr sbm(dnmf::Index n, int blocks, double p_in, double p_out, bool directed, std::uint64_t seed,
                     double next = -1.0) {
  dnmf::Rng rng(seed);
  std::vector<dnmf::Triplet> t;
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = directed ? 0 : i + 1; j < n; ++j) {
      if (i == j) continue;
      const int bi = static_cast<int>(i % blocks), bj = static_cast<int>(j % blocks);
      double p = bi == bj ? p_in : p_out;
      if (next >= 0.0 && bj == (bi + 1) % blocks) p = next;
      if (rng.uniform() < p) {
        t.push_back({i, j, 1.0});
        if (!directed) t.push_back({j, i, 1.0});
      }
    }
  return dnmf::Csr::from_triplets(n, n, std::move(t));
}

inline std::vector<int> blocks_of(dnmf::Index n, int blocks) {
  std::vector<int> truth(static_cast<size_t>(n));
  for (dnmf::Index i = 0; i < n; ++i) truth[static_cast<size_t>(i)] = static_cast<int>(i % blocks);
  return truth;
}

inline int increases(const std::vector<double>& trace) {
  int count = 0;
  for (size_t i = 1; i < trace.size(); ++i)
    if (trace[i] > trace[i - 1] * (1 + 1e-12)) ++count;
  return count;
}

}  // namespace test
