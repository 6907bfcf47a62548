// Edge-list reader: "src dst [weight]" per line.
#pragma once

#include <string>

#include "dnmf/core/csr.hpp"

namespace dnmf::io {

struct EdgeListOptions {
  bool one_based = false;        ///< ids start at 1 instead of 0
  bool directed = false;         ///< false: each edge is stored in both directions
  Index num_nodes = -1;          ///< -1: max id + 1; otherwise ids must be < num_nodes
  bool keep_self_loops = false;  ///< false: self-loops are dropped
  /// Repeated edges: weights are summed for directed input; for undirected input a
  /// pair listed in both directions (u v and v u) is one edge (max of the weights).
};

/// Whitespace-separated "src dst [weight]"; lines starting with '#' or '%' and blank
/// lines are skipped. Missing weight = 1. Errors (InputError naming file and line):
/// wrong token count, non-integer id, negative id (or 0 when one_based), id >= num_nodes,
/// non-finite or negative weight. Gzip input is read transparently.
/// Returns the n x n adjacency in CSR. O(m log m) time, O(m) memory.
Csr read_edge_list(const std::string& path, const EdgeListOptions& options = {});

}  // namespace dnmf::io
