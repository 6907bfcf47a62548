// Synthetic stochastic block model graphs for tests and benchmarks (issue 6).
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/csr.hpp"

namespace dnmf {

struct SbmOptions {
  Index nodes = 0;  ///< n, blocks <= n < 2^31 (32-bit column indices)
  int blocks = 2;   ///< k >= 1; node i belongs to block i·k/n (equal sizes ± 1)
  /// Expected out-degree (directed) or degree (undirected) before self-loops and repeats are
  /// dropped; 0 < average_degree < n. Non-integers are honoured in expectation (see generate_sbm).
  double average_degree = 10;
  /// Fraction of each node's edges that go to its "home" target block; the rest go to
  /// uniformly random nodes (which hit the home block with probability ≈ 1/k too), so about
  /// within + (1 − within)/k of the edges land there. 0 = Erdős–Rényi-like graph with no
  /// planted structure; 1 = every edge inside the target block.
  double within = 0.8;
  bool directed = true;  ///< false: symmetric adjacency (each edge stored both ways)
  /// Directed only (must be 0 when undirected), 0 <= shift < k: the home target block of
  /// block b is (b + shift) mod k. 0 = the usual assortative SBM; 1 = blocks that differ
  /// only by edge direction (block b links to b+1).
  int shift = 0;
  std::uint64_t seed = 0;
  void validate() const;  ///< throws InvalidOption naming the field
};

struct SbmGraph {
  Csr adjacency;            ///< n×n, binary (value 1), no self-loops, no duplicate edges
  std::vector<int> labels;  ///< planted block of each node
};

/// Generates the graph in O(n·average_degree) time and memory (never O(n²)): each node
/// draws its edges' endpoints directly; self-loops and repeats are dropped, so the realised
/// degree is slightly below average_degree. Deterministic for a given seed (dnmf::Rng).
///
/// Node i makes m draws (m = average_degree directed, average_degree/2 undirected); the
/// count is floor(m) or floor(m) + 1 with probability frac(m), so its mean is exactly m.
/// Each draw picks, with probability `within`, a uniform node of the home target block,
/// else a uniform node of the whole graph. Directed: draw j from i is edge i→j. Undirected:
/// the home block is i's own and draw j is stored as i→j and j→i, so the degree has mean
/// ≈ average_degree (m own draws + ≈ m from others).
/// O(n·m·log m) time; memory is the CSR (12 bytes per edge) plus, undirected, 4 bytes per draw.
/// n = 10^6, average_degree = 10: about 0.5 s and 140 MB.
SbmGraph generate_sbm(const SbmOptions& options);

}  // namespace dnmf
