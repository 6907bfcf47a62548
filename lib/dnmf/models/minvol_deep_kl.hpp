// Minimum-volume deep KL-NMF (Leplat, Hien, Onwunta, Gillis, Alg. 2): the layer-centric
// KL chain on the features, Xᵀ ≈ W₁H₁, W₁ ≈ W₂H₂, …, with column-stochastic W_l and a
// log-det volume penalty per layer. docs/models.md §11.9.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

/// The W step of the inner layers' ADMM (docs/models.md §11.9): the exact minimiser of the
/// W subproblem (default), or the paper's printed step, whose penalty curvature ρ'/w̃ in
/// place of ρ' pulls W towards W̃ ⊙ (Z − U) instead of Z − U (the objective rose 7-fold in
/// 40 iterations on test data with it; kept for comparison).
enum class MinvolWStep { paper, exact };

struct MinvolDeepKlOptions {
  std::vector<int> layers;    ///< r₁ > … > r_L, each at most min(n, d)
  double alpha_tilde = 0.05;  ///< α̃: α_l = α̃ · D_l⁽⁰⁾ / |log det(W_lᵀW_l + δI)| at the start
  double delta = 1.0;         ///< δ of the log-det term
  double rho = 100.0;         ///< ADMM penalty ρ (ρ/λ_l in layer l's scaled problem)
  int admm_iterations = 200;  ///< ADMM iterations per inner-layer W step at most
  double admm_tolerance = 1e-4;  ///< stop the ADMM once ‖W − Z‖_F ≤ this
  MinvolWStep w_step = MinvolWStep::exact;
  int pretrain_iterations = 500;     ///< multilayer KL-NMF start, per layer
  double pretrain_tolerance = 1e-5;  ///< StopTest::relative_to_previous for the start
  int max_iterations = 100;          ///< outer iterations
  double tolerance = 0.0;            ///< StopTest::decrease_so_far; 0 = all iterations
  std::uint64_t seed = 0;
  double epsilon = 2.220446049250313e-16;  ///< floor of the factors and of W H
  void validate(Index n, Index d) const;   ///< throws InvalidOption naming the field
};

/// Xᵀ (d×n) ≈ W₁H₁: W[l] is d × r_l with columns summing to one, H[l] is r_l × r_{l−1}
/// (r₀ = n). The sample representation is (H_L ⋯ H₁)ᵀ (n × r_L).
struct MinvolDeepKlResult {
  std::vector<Dense> W, H;
  std::vector<double> lambdas, alphas;  ///< the weights used
  std::vector<double> initial_errors;   ///< D_KL(W_{l−1} | W_l H_l) at the multilayer start
  std::vector<double> layer_errors;     ///< the same after the last iteration
  /// Σ_l λ_l D_l + α_l log det(W_lᵀW_l + δI) after each outer iteration.
  std::vector<double> objective;
  std::vector<int> pretrain_iterations;
  int admm_iterations = 0;  ///< over the whole fit
  Status status = Status::not_run;
  int iterations = 0;
  double seconds = 0.0;
  Dense representation() const;  ///< (H_L ⋯ H₁)ᵀ, n × r_L
};

MinvolDeepKlResult fit_minvol_deep_kl(const DataMatrix& X, const MinvolDeepKlOptions& options,
                                      const Progress& progress = {});

/// The outer iterations from a given start (W[l] ≥ 0 with columns summing to one, H[l] ≥ 0).
MinvolDeepKlResult fine_tune_minvol_deep_kl(const DataMatrix& X, const MinvolDeepKlOptions& options,
                                            std::vector<Dense> W, std::vector<Dense> H,
                                            const Progress& progress = {});

struct ModelSpec;
/// The registry entry `minvol-deep-kl` (models/registry.hpp).
ModelSpec minvol_deep_kl_spec();

}  // namespace dnmf
