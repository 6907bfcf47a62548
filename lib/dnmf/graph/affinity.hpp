// Sparse p-nearest-neighbour affinity graphs (S⁺ of docs/models.md §3.4; §5.2) in CSR.
#pragma once

#include <string>

#include "dnmf/core/csr.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

/// Checks a sample graph given instead of a kNN graph: n×n for `n` samples, symmetric,
/// finite and nonnegative (InvalidOption naming `what` and the problem otherwise).
void require_sample_graph(const Csr& graph, Index n, const std::string& what);

enum class AffinityWeights {
  binary,       ///< S_ij = 1 for neighbours
  heat,         ///< S_ij = exp(−‖x_i − x_j‖²/σ²)
  self_tuning,  ///< S_ij = exp(−‖x_i − x_j‖²/(σ_i σ_j)), σ_i = distance to the m-th neighbour
};

enum class Symmetrization {
  none,    ///< keep the directed kNN graph (row i lists the neighbours of i)
  max,     ///< max(S, Sᵀ): i~j if either is a neighbour of the other (default, docs/models.md §3.4)
  mean,    ///< (S + Sᵀ)/2
  mutual,  ///< min(S_ij, S_ji) where both are stored: mutual neighbours only
};

struct AffinityOptions {
  int n_neighbors = 0;  ///< p; 0 = ⌊ln n⌋ + 1 (the DANMF-CRFR paper's rule)
  AffinityWeights weights = AffinityWeights::heat;
  /// σ of the heat kernel; 0 = σ² is the mean squared kNN distance (docs/models.md §3.4,
  /// a documented deviation: the paper's "bandwidth 1000" ignores the data scale).
  double sigma = 0.0;
  int self_tuning_neighbor = 7;  ///< m for self-tuning weights, clamped to p
  Symmetrization symmetrize = Symmetrization::max;
  KnnMethod method = KnnMethod::automatic;
  int resolved_neighbors(Index n) const;  ///< p after the ⌊ln n⌋ + 1 default
};

/// kNN graph of the rows of X with the chosen weights, symmetrised, no self-loops.
/// O(kNN search) + O(n·p) to weight + O(n·p) to symmetrise; CSR with <= 2·n·p entries.
Csr affinity_graph(const DataMatrix& X, const AffinityOptions& options);
/// The same from an existing kNN result (its k is p).
Csr affinity_from_knn(const KnnResult& knn, const AffinityOptions& options);
/// S → symmetric S by max/mean/mutual through GraphBLAS eWise operations. O(nnz).
Csr symmetrize(const Csr& S, Symmetrization how);

AffinityWeights parse_affinity_weights(const std::string& name);  ///< "binary|heat|self-tuning"
Symmetrization parse_symmetrization(const std::string& name);     ///< "none|max|mean|mutual"

}  // namespace dnmf
