// Starting factors for NMF-type fits: seeded uniform random, or NNDSVD and its variants
// (Boutsidis & Gallopoulos, Pattern Recognition 41 (2008)) from a truncated SVD computed
// on the sparse data (linalg/eigen). docs/models.md §1.3.
#pragma once

#include <cstdint>
#include <string>

#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

enum class NmfInit {
  random,    ///< uniform in [0, √(mean(X)/k)) from the seed
  nndsvd,    ///< NNDSVD: zeros stay zero (multiplicative updates cannot revive them)
  nndsvda,   ///< zeros replaced by mean(X)
  nndsvdar,  ///< zeros replaced by uniform values in [0, mean(X)/100) from the seed
};

NmfInit parse_nmf_init(const std::string& name);  ///< "random|nndsvd|nndsvda|nndsvdar"
const char* to_string(NmfInit init);

/// X (n×d) ≈ H Wᵀ with H n×k, W d×k.
struct NmfStart {
  Dense W;
  Dense H;
};

/// The start of the given kind for rank k (1 <= k <= min(n, d)). NNDSVD: with the leading
/// singular triplets (σ_j, u_j, v_j) of X, component 1 is √σ₁(|u₁|, |v₁|); component j takes
/// the positive or negative parts (u⁺, v⁺) or (u⁻, v⁻), whichever has the larger
/// ‖u^±‖‖v^±‖ = m, scaled to √(σ_j m)(u^±/‖u^±‖, v^±/‖v^±‖). Deterministic except the
/// random fill of nndsvdar. O(SVD) + O((n + d)·k).
NmfStart nmf_start(const DataMatrix& X, int k, NmfInit kind, std::uint64_t seed);

}  // namespace dnmf
