// Edge-list reader: "src dst [weight]" per line.
#pragma once

#include <string>
#include <vector>

#include "dnmf/core/csr.hpp"

namespace dnmf::io {

struct EdgeListOptions {
  bool one_based = false;        ///< ids start at 1 instead of 0
  bool directed = false;         ///< false: each edge is stored in both directions
  Index num_nodes = -1;          ///< -1: max id + 1; otherwise ids must be < num_nodes
  bool keep_self_loops = false;  ///< false: self-loops are dropped
  /// Node names instead of numbers: -1 = when the first edge's ids are not integers and
  /// the caller takes names, 1 = always (every id is a name, "7" included; the caller
  /// must take names), 0 = never (ids must be integers).
  int named = -1;
  /// A header line first: -1 = detect (the first data line has three fields none of
  /// which is a number, or its two ids are column names such as "source target"),
  /// 1 = yes, 0 = no.
  int header = -1;
  /// Repeated edges: weights are summed for directed input; for undirected input a
  /// pair listed in both directions (u v and v u) is one edge (max of the weights).
};

/// Whitespace-separated "src dst [weight]"; lines starting with '#' or '%' and blank
/// lines are skipped. Missing weight = 1. Errors (InputError naming file and line):
/// wrong token count, non-integer id, negative id (or 0 when one_based), id >= num_nodes,
/// non-finite or negative weight. Gzip input is read transparently.
/// Returns the n x n adjacency in CSR. O(m log m) time, O(m) memory.
/// Named nodes are numbered in the order of their first appearance and their names
/// stored in *names (when given; a named file needs it, InvalidOption otherwise);
/// fields may also be separated by commas (CSV).
Csr read_edge_list(const std::string& path, const EdgeListOptions& options = {},
                   std::vector<std::string>* names = nullptr);

}  // namespace dnmf::io
