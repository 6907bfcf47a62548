// Plain NMF by Lee–Seung multiplicative updates (Frobenius loss). MODELS.md §0.2.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

struct NmfOptions {
  int rank = 10;             ///< k; 1 <= rank <= min(n, d)
  int max_iterations = 500;  ///< iteration budget (one iteration = update H, then W)
  /// Stop when the relative decrease (f_prev − f)/f_prev falls below tol.
  /// 0 = always run max_iterations.
  double tolerance = 1e-6;
  std::uint64_t seed = 0;  ///< initial factors are uniform in [0, sqrt(mean(X)/k)) from this seed
  /// δ of MODELS.md §0.2: ratios use max(denominator, δ) so empty rows/columns stay finite.
  double epsilon = 1e-10;
  /// Optional floor applied after each update (0 = none, as the reference codes).
  double floor = 0.0;
  void validate(Index n, Index d) const;  ///< throws InvalidOption naming the field
};

/// X (n×d, rows are samples) ≈ H Wᵀ.  In the papers' orientation (X d×n) this is
/// X ≈ W Hᵀ, i.e. our H is their Hᵀ: row i of H is the representation of sample i.
struct NmfResult {
  Dense W;  ///< d×k basis, ≥ 0
  Dense H;  ///< n×k representation, ≥ 0
  Status status = Status::not_run;
  int iterations = 0;
  std::vector<double> objective;  ///< ‖X − H Wᵀ‖_F² after each iteration
  double seconds = 0.0;
};

/// Lee–Seung updates  H ← H ⊙ (XW) ⊘ max(H(WᵀW), δ),  W ← W ⊙ (XᵀH) ⊘ max(W(HᵀH), δ).
/// Both are exact minimisers of separable majorisers, so the objective never
/// increases (MODELS.md §0.2 case (a)). The objective is evaluated without forming
/// H Wᵀ: ‖X‖² − 2⟨W, XᵀH⟩ + ⟨WᵀW, HᵀH⟩ (MODELS.md §0.4), reusing XᵀH of the W step.
/// Cost per iteration O(nnz·k + (n+d)·k²) time, O((n+d)·k) memory.
/// Throws InputError if X has a negative or non-finite entry, NumericalError if a
/// factor becomes NaN/Inf (naming the iteration and the factor).
NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, const Progress& progress = {});

/// As fit_nmf, but starting from the given factors (W d×k, H n×k, both ≥ 0).
NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                  const Progress& progress = {});

/// ‖X − H Wᵀ‖_F² by the identity above, O(nnz·k + (n+d)·k²).
double nmf_objective(const DataMatrix& X, const Dense& W, const Dense& H);

}  // namespace dnmf
