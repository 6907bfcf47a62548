// Locality orderings of graph nodes, and permutations of sparse matrices and data.
#pragma once

#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

/// A node order that keeps graph neighbours close in memory: reverse Cuthill–McKee
/// (Boost.Graph) of the undirected pattern of S, each component started from a
/// pseudo-peripheral node. order[r] is the original index of the node placed at
/// position r. A product S·H whose rows of H are read in random order is memory-
/// latency bound once H outgrows the caches; in this order the rows a row of S needs
/// lie close together (MNIST-70k kNN graph, 64 columns: 2.4× faster). O(n + nnz·log).
std::vector<Index> locality_order(const Csr& S);

/// position[order[r]] = r: where each original index went.
std::vector<Index> inverse_permutation(const std::vector<Index>& order);

/// Rows and columns of a square S renumbered: out(r, c) = S(order[r], order[c]).
Csr permute_symmetric(const Csr& S, const std::vector<Index>& order);

/// Rows renumbered: out.row(r) = A.row(order[r]).
Csr permute_rows(const Csr& A, const std::vector<Index>& order);

/// Samples (rows) of X renumbered, sparse or dense as X: row r is X's row order[r].
DataMatrix permute_samples(const DataMatrix& X, const std::vector<Index>& order);

}  // namespace dnmf
