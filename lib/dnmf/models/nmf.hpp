// Plain NMF by Lee–Seung multiplicative updates (Frobenius loss). docs/models.md §2.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/driver.hpp"

namespace dnmf {

struct NmfOptions {
  int rank = 10;             ///< k; 1 <= rank <= min(n, d)
  int max_iterations = 500;  ///< iteration budget (one iteration = update H, then W)
  /// The stop rule of models/driver.hpp: after iteration t ≥ 3, stop when
  /// f_{t−1} − f_t ≤ tol·(f_1 − f_t). 0 = always run max_iterations.
  double tolerance = 0.0;
  /// decrease_so_far for fits; relative_to_previous when NMF pre-trains a deep layer
  /// (the references' rule, --pretrain-tol).
  StopTest stop_test = StopTest::decrease_so_far;
  std::uint64_t seed = 0;  ///< initial factors are uniform in [0, sqrt(mean(X)/k)) from this seed
  /// δ of docs/models.md §1.1: ratios use max(denominator, δ) so empty rows/columns stay finite.
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
/// increases (docs/models.md §1.1 case (a)). The objective is evaluated without forming
/// H Wᵀ: ‖X‖² − 2⟨W, XᵀH⟩ + ⟨WᵀW, HᵀH⟩ (docs/models.md §1.5), reusing XᵀH of the W step.
/// Cost per iteration O(nnz·k + (n+d)·k²) time, O((n+d)·k) memory.
/// Throws InputError if X has a negative or non-finite entry, NumericalError if a
/// factor becomes NaN/Inf (naming the iteration and the factor).
NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, const Progress& progress = {});

/// As fit_nmf, but starting from the given factors (W d×k, H n×k, both ≥ 0).
NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                  const Progress& progress = {});

/// ‖X − H Wᵀ‖_F² by the identity above, O(nnz·k + (n+d)·k²).
double nmf_objective(const DataMatrix& X, const Dense& W, const Dense& H);

struct ModelSpec;
/// The registry entry (models/registry.hpp): `rank` (the layer rule: k, at most min(n, d)).
ModelSpec nmf_spec();

}  // namespace dnmf
