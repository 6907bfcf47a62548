// Plain NMF by multiplicative updates: the Frobenius loss (Lee–Seung, docs/models.md §2)
// and the β-divergences, KL and Itakura–Saito included (docs/models.md §2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/driver.hpp"

namespace dnmf {

/// The loss of plain NMF (docs/models.md §2.1): D_β(X ‖ HWᵀ) with β = 2 (frobenius, half the
/// squared error up to the factor), 1 (kl), 0 (is) or `NmfOptions::beta` (beta).
enum class NmfLoss { frobenius, kl, is, beta };

/// How the Frobenius loss is minimised (docs/models.md §2.2): Lee–Seung multiplicative
/// updates, or HALS (exact column-wise block coordinate descent; same cost per
/// iteration, far fewer iterations to a given error).
enum class NmfSolver { mu, hals };
NmfSolver parse_nmf_solver(const std::string& name);  ///< "mu|hals"; InvalidOption otherwise
NmfLoss parse_nmf_loss(const std::string& name);      ///< "frobenius|kl|is|beta"; InvalidOption otherwise
const char* to_string(NmfLoss loss);

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
  NmfLoss loss = NmfLoss::frobenius;
  NmfSolver solver = NmfSolver::mu;  ///< hals only with the Frobenius loss
  double beta = 1.5;                 ///< β of NmfLoss::beta (any finite value)
  /// The β of the loss (2, 1, 0 or `beta`).
  double effective_beta() const;
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

/// D_β(X ‖ HWᵀ) summed over all n·d entries (docs/models.md §2.1). For β = 1 and sparse X
/// only the stored entries need HWᵀ (O(nnz·k)); other β form the n×d product. β ≤ 0
/// needs every entry of X > 0 (InputError otherwise).
double beta_divergence(const DataMatrix& X, const Dense& W, const Dense& H, double beta);

/// For the KL rules: a sparse copy of dense X when at most 30 % of its entries are nonzero
/// (the stored-entry passes of §2.1 then cost less than the dense n×d ones), else nothing.
std::optional<DataMatrix> sparse_copy_for_kl(const DataMatrix& X);

/// X as a dense n×d matrix for the dense β-divergence rules (β ≠ 1); for sparse X refused
/// with InvalidOption (naming `model`) when three n×d matrices exceed the memory budget.
Dense dense_for_beta(const DataMatrix& X, double beta, const std::string& model);

struct ModelSpec;
/// The registry entry (models/registry.hpp): `rank` (the layer rule: k, at most min(n, d)).
ModelSpec nmf_spec();

}  // namespace dnmf
