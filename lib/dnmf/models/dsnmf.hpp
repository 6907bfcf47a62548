// DSNMF, deep symmetric NMF for undirected graphs (De Handschutter, Gillis, Blekic,
// EUSIPCO 2023; docs/models.md §7): a layer-centric deep NMF in which every layer is a
// penalised (W_l ≈ (H_l⋯H₁)ᵀ) symmetric NMF. Never forms W₁H₁ or any other n×n dense
// matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

struct ModelSpec;

struct DsnmfOptions {
  std::vector<int> layers;        ///< r₁ > … > r_L = k
  std::vector<double> mu;         ///< μ_l per layer (empty = all 1)
  std::vector<double> lambda;     ///< λ_l weighting layer l+1 (size L−1; empty = all 1)
  int pretrain_iterations = 100;  ///< SymNMF of layer 1, NMF of the deeper layers
  int max_iterations = 500;       ///< sweeps (each: W₁, H₁, …, W_L, H_L)
  double tolerance = 1e-4;        ///< as DasnmfOptions::tolerance
  double epsilon = 1e-10;
  std::uint64_t seed = 0;
  void validate(Index n) const;
};

/// Objective ½[‖X − W₁H₁‖² + μ₁‖W₁ − H₁ᵀ‖² + Σ_{l≥2} λ_{l−1}(‖W_{l−1} − W_lH_l‖² + μ_l‖W_l − P_lᵀ‖²)],
/// P_l = H_l⋯H₁ (r_l×n); W_l is n×r_l, H_l is r_l×r_{l−1} (r₀ = n). ‖X − W₁H₁‖² by
/// ‖X‖² − 2⟨XW₁, H₁ᵀ⟩ + ⟨W₁ᵀW₁, H₁H₁ᵀ⟩. O(nnz(X)·r₁ + n·Σ r_l²).
double dsnmf_objective(const Csr& X, const DsnmfOptions& options, const std::vector<Dense>& W,
                       const std::vector<Dense>& H);

struct DsnmfResult {
  std::vector<Dense> W;     ///< W_l, n×r_l
  std::vector<Dense> H;     ///< H_l, r_l×r_{l−1}
  std::vector<int> labels;  ///< argmax over the rows of W_L
  std::vector<double> objective;
  int iterations = 0;
  Status status = Status::not_run;
  double pretrain_seconds = 0.0;
  double seconds = 0.0;
};

/// Full DSNMF on a symmetric adjacency X: pre-training W₁ = H₁ᵀ = SymNMF(X, r₁), then
/// (W_l, H_l) = NMF(W_{l−1}, r_l); fine-tuning by the derived multiplicative rules of
/// docs/models.md §7.2 (case (a): exponent 1, monotone). Cost per sweep
/// O(nnz(X)·r₁ + n·(Σ_l r_l)²).
DsnmfResult fit_dsnmf(const Csr& X, const DsnmfOptions& options, const Progress& progress = {});

/// Fine-tuning only, from given factors (for tests).
DsnmfResult fit_dsnmf(const Csr& X, const DsnmfOptions& options, std::vector<Dense> W, std::vector<Dense> H,
                      const Progress& progress = {});

/// The registry entry (models/registry.hpp).
ModelSpec dsnmf_spec();

}  // namespace dnmf
