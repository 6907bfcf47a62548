// Connected components of a sparse graph (undirected sense) and a Csr → Boost.Graph bridge.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"

namespace dnmf {

struct Components {
  int count = 0;           ///< number of components
  std::vector<int> label;  ///< label[i] ∈ [0, count); components numbered by their smallest node
};

/// Components of the undirected graph with i ~ j whenever S_ij ≠ 0 or S_ji ≠ 0
/// (so directed graphs give their weakly connected components; self-loops and
/// explicitly stored zeros are ignored). S must be square.
/// Uses boost::connected_components (depth-first search) on a Boost compressed sparse
/// row graph holding both directions of every edge: O(n + nnz) time and memory
/// (peak ≈ 50 bytes per stored entry: two pattern copies, the edge list, the graph).
Components connected_components(const Csr& S);

/// Boost.Graph copy of A with one edge i→j per stored nonzero A_ij (self-loops
/// included). Graph is any MutableGraph constructible from a vertex count, e.g.
/// boost::adjacency_list<vecS, vecS, directedS | bidirectionalS | undirectedS>;
/// with undirectedS the edges lose their direction. A template so that this header
/// does not pull Boost into libdnmf's public interface. O(n + nnz).
template <class Graph>
Graph to_boost_digraph(const Csr& A) {
  if (A.rows() != A.cols())
    throw InvalidOption("to_boost_digraph: adjacency must be square, got " + std::to_string(A.rows()) +
                        " x " + std::to_string(A.cols()));
  Graph g(static_cast<std::size_t>(A.rows()));
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
  for (Index i = 0; i < A.rows(); ++i)
    for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p)
      if (v[p] != 0.0) add_edge(static_cast<std::size_t>(i), static_cast<std::size_t>(ci[p]), g);
  return g;
}

}  // namespace dnmf
