// PageRank influence c and the influence matrix C of DAsNMF (docs/models.md §5.4, §8.6).
#pragma once

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// B = pattern(A): 1 where A_ij ≠ 0 (explicitly stored zeros are dropped), same shape. O(nnz).
Csr binary_pattern(const Csr& A);

struct PageRankOptions {
  /// ρ, probability of following an edge. 0 → uniform scores 1/n; → 1 the scores
  /// approach the stationary distribution of the walk and convergence slows as ρ^t.
  double damping = 0.85;
  /// Stop when the L1 change between iterates is below this (docs/models.md §5.4). The
  /// error to the fixed point is then at most ρ/(1−ρ)·tolerance (≈ 5.7·tolerance).
  double tolerance = 1e-10;
  int max_iterations = 1000;  ///< >= 1; reaching it is reported, not thrown
  /// false (default, as the paper's out-degree counts K_j^out): every edge of the
  /// pattern is equally likely. true: A's weights (must be ≥ 0), divided by the row
  /// sums, are the transition probabilities; rows summing to 0 are dangling.
  bool use_weights = false;
  void validate() const;  ///< throws InvalidOption naming the field
};

struct PageRankResult {
  Vector scores;           ///< c, nonnegative, sums to 1
  int iterations = 0;      ///< power steps taken
  bool converged = false;  ///< L1 change < tolerance before max_iterations
};

/// Standard PageRank of the digraph with an edge i→j for every A_ij ≠ 0 (rank
/// flows from i to j; docs/models.md §8.6):
///   c ← (1−ρ)/n·1 + ρ·(Pᵀc + (Σ_{j dangling} c_j)/n·1),  P = D_out⁻¹A,
/// i.e. a dangling node (no out-edges) spreads its mass uniformly over all nodes.
/// Starts from c = 1/n. A must be square; n = 0 gives an empty result.
/// O(nnz + n) per iteration (Pᵀ is kept as a CSR transpose, built once in
/// O(nnz + n)), O(nnz + n) extra memory. The result does not depend on the
/// OpenMP thread count (fixed-order sums).
PageRankResult pagerank(const Csr& A, const PageRankOptions& options = {});

/// C_ij = c_i where A_ij ≠ 0, else not stored: C = diag(c)·pattern(A) (built on A,
/// not A_S; docs/models.md §5.4). c.size() must equal A.rows(). O(nnz).
Csr influence_matrix(const Csr& A, const Vector& c);

}  // namespace dnmf
