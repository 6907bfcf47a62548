// Deep β-NMF (Leplat, Hien, Onwunta, Gillis): the layer-centric β-divergence chain
// X ≈ W₁H₁, W₁ ≈ W₂H₂, …, W_{L−1} ≈ W_L H_L with the rows of every H_l summing to one,
// for β = 1 (Kullback–Leibler, sparse-first) and β = 3/2. docs/models.md §11.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

struct DeepBetaOptions {
  /// r₁ > r₂ > … > r_L; each at most min(n, d). W_L (n × r_L) is the sample representation.
  std::vector<int> layers;
  double beta = 1.0;  ///< 1 (KL) or 1.5
  /// Weights λ_l of the layer errors; empty: 1 / D_β(W_{l−1}, W_l H_l) at the start, so
  /// that every weighted term starts at 1 (the reference's rule).
  std::vector<double> lambdas;
  int pretrain_iterations = 500;     ///< multilayer β-NMF start: iterations per layer
  double pretrain_tolerance = 1e-5;  ///< StopTest::relative_to_previous for the start
  int max_iterations = 100;          ///< outer iterations of the deep model
  double tolerance = 0.0;            ///< StopTest::decrease_so_far; 0 = all iterations
  std::uint64_t seed = 0;
  double epsilon = 2.220446049250313e-16;  ///< floor of every factor and of W H (MATLAB eps)
  void validate(Index n, Index d) const;   ///< throws InvalidOption naming the field
};

/// Y ≈ W H for each layer: W[l] is n × r_{l+1}, H[l] is r_{l+1} × r_l (r_0 = d).
struct DeepBetaResult {
  std::vector<Dense> W, H;
  std::vector<double> lambdas;         ///< the weights used
  std::vector<double> initial_errors;  ///< D_β(W_{l−1}, W_l H_l) at the multilayer start
  std::vector<double> layer_errors;    ///< the same after the last iteration
  std::vector<double> objective;       ///< Σ_l λ_l D_l after each outer iteration
  std::vector<int> pretrain_iterations;
  Status status = Status::not_run;
  int iterations = 0;
  double seconds = 0.0;
};

/// Multilayer β-NMF start (layer l: β-NMF of W_{l−1} from its seed, then rows of H_l
/// scaled to sum one, W_l compensating), then `max_iterations` sweeps of the deep updates
/// (docs/models.md §11.3–11.5): for l = 1..L, H_l (rows-sum-to-one majoriser minimiser), then
/// W_l (closed form per entry; plain β-MU for the last layer). Every update minimises a
/// majoriser, so the objective never increases. KL on sparse X costs O(nnz·r₁ + n·Σ r_l r_{l+1})
/// per sweep and never forms W₁H₁ beyond the stored entries; β = 3/2 forms n×d products
/// (refused over the memory budget for sparse X).
DeepBetaResult fit_deep_beta(const DataMatrix& X, const DeepBetaOptions& options,
                             const Progress& progress = {});

/// The deep sweeps from a given start (W[l] ≥ 0, H[l] ≥ 0 with rows summing to one).
DeepBetaResult fine_tune_deep_beta(const DataMatrix& X, const DeepBetaOptions& options, std::vector<Dense> W,
                                   std::vector<Dense> H, const Progress& progress = {});

/// D_β(W_{l−1}, W_l H_l) for every layer (W_0 = X).
std::vector<double> deep_beta_layer_errors(const DataMatrix& X, const std::vector<Dense>& W,
                                           const std::vector<Dense>& H, double beta);

/// Wright's ω: the solution w > 0 of w + log w = z (ω(z) = W₀(eᶻ)), for any finite z, to
/// about machine precision; ω(−∞) = 0.
double wright_omega(double z);

/// The default layers of the divergence models (deep-beta, minvol-deep-kl): 4k, 2k, k,
/// each at most min(n, d).
std::vector<std::int64_t> divergence_default_layers(Index n, Index d, int k);

struct ModelSpec;
/// The registry entry `deep-beta` (models/registry.hpp).
ModelSpec deep_beta_spec();

}  // namespace dnmf
