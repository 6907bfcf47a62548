// Shallow graph factorisations (docs/models.md §6): symmetric NMF A ≈ H Hᵀ and
// asymmetric NMF / symmetric tri-factorisation A ≈ H W Hᵀ (A may be directed). Never
// forms H Hᵀ, H W Hᵀ or any n×n dense matrix: values and updates use A·H, Aᵀ·H (SpMM)
// and k×k Grams.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// The loss of SymNMF (docs/models.md §6.1).
enum class SymLoss {
  frobenius,  ///< ‖A − HHᵀ‖², cube-root multiplicative rule
  kl,         ///< D_KL(A ‖ HHᵀ) (Poisson; Ball–Karrer–Newman), EM rule on the stored entries
};

/// The start of the graph factorisations.
enum class GraphStart {
  random,    ///< seeded uniform entries scaled to the graph's mean
  spectral,  ///< k-means on the unit rows of the 2k leading eigenvectors of D^{-1/2}AD^{-1/2}, one-hot + 0.2
};

struct GraphNmfOptions {
  int rank = 0;                            ///< k, 1 <= k <= n (required)
  SymLoss loss = SymLoss::frobenius;       ///< symnmf only
  GraphStart start = GraphStart::random;   ///< symnmf only
  const Dense* start_embedding = nullptr;  ///< spectral start: the embedding, if already computed
  int max_iterations = 500;                ///< updates of H (and W)
  /// Stop when an iteration decreases f by at most tolerance·(f₁ − f), f₁ the value after
  /// the first iteration (0 = never; docs/models.md §1.2 says why not relative to f).
  double tolerance = 1e-4;
  double exponent = 0.0;   ///< γ of the H rule; 0 = the model's default (1/3 symnmf, 1/4 asymnmf)
  double epsilon = 1e-10;  ///< δ of docs/models.md §1.1
  std::uint64_t seed = 0;  ///< uniform random start
  void validate(Index n) const;
};

struct GraphNmfResult {
  Dense H;                        ///< n×k memberships (≥ 0)
  Dense W;                        ///< k×k block matrix (asymnmf; empty for symnmf)
  std::vector<int> labels;        ///< argmax over the rows of H (ties: lowest column)
  std::vector<double> objective;  ///< ‖A − HHᵀ‖² or ‖A − HWHᵀ‖² after each iteration
  int iterations = 0;
  Status status = Status::not_run;
  double seconds = 0.0;
};

/// The spectral start (GraphStart::spectral) for a symmetric A and rank k: the 2k leading
/// eigenvectors of N = D^{-1/2}AD^{-1/2} (Lanczos), rows scaled to unit length, k-means
/// (k-means++, 10 inits, `seed`), then H₀ = one-hot(labels) + 0.2 scaled so that
/// Σ_ij (H₀H₀ᵀ)_ij = Σ_ij A_ij. O(eigensolver + k-means + n·k).
/// `embedding` (optional): the unit-row embedding of A with 2k columns, when the caller
/// already has it (restarts share it); computed otherwise.
Dense spectral_start(const Csr& A, int k, std::uint64_t seed, const Dense* embedding = nullptr);

/// min_{H ≥ 0} D_KL(A ‖ HHᵀ) = Σ_{A_ij≠0} [A_ij log(A_ij/(HHᵀ)_ij) − A_ij] + ‖Hᵀ1‖² for
/// symmetric A ≥ 0 from the given start, by the EM step of Ball, Karrer & Newman (2011):
///   Z = A ⊘ (HHᵀ) on the stored entries,  R = H ⊙ (ZH),  H_iz ← R_iz / √(Σ_i R_iz),
/// which never increases the objective. HHᵀ is evaluated only where A is stored (an SDDMM):
/// O(nnz(A)·k + n·k) per iteration, nothing n×n.
GraphNmfResult fit_symnmf_kl(const Csr& A, const GraphNmfOptions& options, Dense H,
                             const Progress& progress = {});

/// min_{H ≥ 0} ‖A − HHᵀ‖² for symmetric A (InvalidOption otherwise), by the cube-root
/// rule H ← H ⊙ [AH ⊘ H(HᵀH)]^{1/3} (docs/models.md §6.1: the exponent-1 rule oscillates).
/// Value ‖A‖² − 2⟨H, AH⟩ + ‖HᵀH‖². Cost per iteration O(nnz(A)·k + n·k²).
GraphNmfResult fit_symnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress = {});

/// min_{H, W ≥ 0} ‖A − HWHᵀ‖² (DAsNMF eqs. 4–5):
///   H ← H ⊙ [(AᵀHW + AHWᵀ) ⊘ H(WᵀGW + WGWᵀ)]^{1/4},   W ← W ⊙ (HᵀAH) ⊘ (GWG),  G = HᵀH.
/// Value ‖A‖² − 2⟨W, HᵀAH⟩ + ⟨W, GWG⟩. Cost per iteration O(nnz(A)·k + n·k² + k³)
/// (two SpMMs, A·H and Aᵀ·H; one when A is symmetric). Runs twice from the same seeded
/// H — once with W ≈ I (assortative blocks), once with a uniform W (blocks linked
/// across, e.g. by direction) — and keeps the lower objective: each start alone fails
/// on the other kind of structure.
GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress = {});

/// The two seeded starts fit_asymnmf runs: which = 0 gives {H₀, W ≈ I + noise}, 1 gives
/// {H₀, uniform W}, H₀ uniform and scaled so that mean(HWHᵀ) ≈ mean(A).
struct AsnmfStart {
  Dense H, W;
};
AsnmfStart asymnmf_start(const Csr& A, const GraphNmfOptions& options, int which);

/// Same, from given starting factors (H n×k ≥ 0, W k×k ≥ 0); for pre-training and tests.
GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, Dense H, Dense W,
                           const Progress& progress = {});

struct ModelSpec;
ModelSpec symnmf_spec();   ///< the registry entry (models/registry.hpp)
ModelSpec asymnmf_spec();  ///< the registry entry (models/registry.hpp)

double symnmf_objective(const Csr& A, const Dense& H);  ///< ‖A − HHᵀ‖², O(nnz·k + nk²)
double asymnmf_objective(const Csr& A, const Dense& H, const Dense& W);  ///< ‖A − HWHᵀ‖², O(nnz·k + nk²)

}  // namespace dnmf
