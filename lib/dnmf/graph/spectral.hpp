// Spectral embedding and clustering of a graph (Ng, Jordan, Weiss 2001): the baseline the
// quality harness runs beside our models, and a start for the graph models.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// N = D^{-1/2} S D^{-1/2} for a symmetric S ≥ 0 (rows of isolated nodes stay empty).
/// O(nnz + n).
Csr normalized_affinity(const Csr& S);

/// Â = (D_out + τ)^{-1/2} A (D_in + τ)^{-1/2} with D_out = A·1, D_in = Aᵀ·1 and τ the mean
/// degree (τ = 0 gives D^{-1/2}AD^{-1/2}): the regularised normalisation the graph models
/// factorise (docs/models.md §5.2). Directed A stays directed; ℓ and m (optional outputs)
/// are the row and column weights. O(nnz + n).
Csr regularized_normalization(const Csr& A, Vector* row_weights = nullptr, Vector* col_weights = nullptr);

/// The k leading eigenvectors of N (n×k, linalg/eigen: Lanczos on the sparse N). With
/// `unit_rows` each row is scaled to unit Euclidean norm (zero rows stay zero), as NJW
/// do before k-means. O(restarts · subspace · (nnz + n·subspace)).
Dense spectral_embedding(const Csr& S, int k, bool unit_rows = true);

/// Spectral clustering: k-means (k-means++, n_init restarts, seed) on the unit-row
/// embedding of the symmetrised graph (S + Sᵀ)/2.
std::vector<int> spectral_clustering(const Csr& S, int k, int n_init = 10, std::uint64_t seed = 0);

}  // namespace dnmf
