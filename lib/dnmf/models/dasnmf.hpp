// DAsNMF, deep asymmetric NMF for (directed) graphs (Hajiveiseh, Seyedi, Akhlaghian Tab,
// Pattern Recognition 2024; docs/models.md §8, decisions in §8.6):
//   min ‖A_S − Ψ W Ψᵀ‖² + λ·R(Ψ),  Ψ = H₁H₂⋯H_p ≥ 0 (n×k),  W ≥ 0 (k×k),
// with A_S = A + ηS (S the asymmetric-cosine second-order proximity) and the
// PageRank-weighted smoothness R(Ψ) = Σ_ij C_ij ‖ψ_i − ψ_j‖², C = diag(c)·pattern(A).
// Never forms Ψ W Ψᵀ or any other n×n dense matrix: values and updates use SpMMs with
// the sparse graph and Grams of thin n×r factors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/graph/pagerank.hpp"

namespace dnmf {

struct ModelSpec;

/// The smoothness regulariser of DAsNMF.
enum class DasnmfRegulariser {
  /// λ[tr(Ψᵀ(D_out + D_in)Ψ) − 2tr(ΨᵀCΨ)] = λ Σ_ij C_ij‖ψ_i − ψ_j‖² ≥ 0 (default, docs/models.md §8.2).
  exact,
  /// The paper's eq. (21), λ[2tr(ΨᵀD_outΨ) − 2tr(ΨᵀCΨ)]: equal to `exact` only when C
  /// is symmetric; unbounded below on directed graphs for large λ (docs/models.md §8.2).
  paper,
};

/// How A_S enters the objective (docs/models.md §8.1).
enum class DasnmfNormalization {
  /// Â = (D_out + τ)^{-1/2} A_S (D_in + τ)^{-1/2}, τ the mean degree of A_S, and the
  /// influence C̃ = diag(n·c ⊙ ℓ) B diag(m) with the same row and column weights (default):
  /// hubs no longer dominate the fit and λ's units do not depend on n.
  regularized,
  /// A_S and C = diag(c)·B as the paper writes them (c sums to 1).
  none,
};

/// Where the fine-tuning starts (docs/models.md §8.4).
enum class DasnmfStart {
  /// Shallow AsNMF of Â at rank k (both starts, lower objective kept), rescaled to
  /// ‖W‖_F = √k and lifted into the chain so H₁⋯H_p equals it (default): the deep model
  /// starts where the shallow one ends and, the rules being monotone, never ends above it.
  shallow,
  /// The paper's layer-wise pre-training: (W₁,H₁) = AsNMF(A_S, r₁), (W_i,H_i) = AsNMF(W_{i−1}, r_i).
  layerwise,
};

struct DasnmfOptions {
  std::vector<int> layers;  ///< r₁ > … > r_p = k (the last entry is the cluster count)
  double eta = 0.2;         ///< η of A_S = A + ηS (0 = no second-order term)
  /// λ of the PageRank regulariser (0 = none); with the regularized normalisation the
  /// influence has mean 1 per node, without it c sums to 1 (the paper's scale).
  double lambda = 0.1;
  DasnmfRegulariser regulariser = DasnmfRegulariser::exact;
  DasnmfNormalization normalization = DasnmfNormalization::regularized;
  DasnmfStart start = DasnmfStart::shallow;
  int second_order_top = 50;      ///< keep the largest entries of each row of S (0 = all)
  PageRankOptions pagerank;       ///< damping 0.85, L1 tolerance 1e-10 (docs/models.md §5.4)
  int pretrain_iterations = 500;  ///< the shallow start's iterations (layerwise: per layer)
  int max_iterations = 500;       ///< fine-tuning sweeps (each: H₁…H_p, then W)
  double tolerance = 1e-4;  ///< stop when a sweep gains ≤ tolerance·(f₁ − f) (0 = never; as GraphNmfOptions)
  double exponent = 0.25;        ///< γ of the H rules (docs/models.md §10.2: 1 is not monotone)
  double epsilon = 1e-10;        ///< δ guarding every division (docs/models.md §1.1)
  std::uint64_t seed = 0;        ///< seeded uniform starts of the pre-training
  void validate(Index n) const;  ///< throws InvalidOption naming the field
};

/// The fixed inputs of the fine-tuning objective, built once from A (O(nnz(A_S)) memory):
/// A_S and its transpose, the PageRank scores c, the regulariser's diagonal (D_out + D_in,
/// or 2·D_out for the paper's form) and, on A_S's pattern, the values that turn a pass over
/// A_S (A_Sᵀ) into a pass over pattern(A) (diag(c)·pattern(A)ᵀ) at the same time.
struct DasnmfProblem {
  Csr AS, ASt;  ///< A_S = A + ηS (normalised: Â) and its transpose (empty when symmetric and λ = 0)
  Vector c;     ///< PageRank scores (sum 1)
  /// The influence C = diag(w)·B·diag(m): w = c, m = 1 without normalisation; w = n·c ⊙ ℓ,
  /// m the column weights of Â with it.
  Vector row_weight, col_weight;
  Vector degree;                          ///< diagonal of D_out + D_in of C (exact) or 2·D_out (paper)
  std::vector<double> as_pattern_values;  ///< per entry (i, j) of A_S: C_ij where A_ij ≠ 0, else 0 (λ > 0)
  std::vector<double> ast_influence_values;  ///< per entry (i, j) of A_Sᵀ: C_ji where A_ji ≠ 0, else 0
  double as_squared_norm = 0.0;              ///< ‖A_S‖²
  double lambda = 0.0;
  Index second_order_entries = 0;  ///< nnz(S)
  int pagerank_iterations = 0;
  static DasnmfProblem build(const Csr& A, const DasnmfOptions& options);
};

/// Objective value ‖A_S − ΨWΨᵀ‖² + λR(Ψ) from the factors (Ψ = H₁⋯H_p), by
///   ‖A_S‖² − 2⟨W, Ψᵀ(A_SΨ)⟩ + ⟨W, GWG⟩ + λ[Σ_i degree_i‖ψ_i‖² − 2⟨Ψ, diag(c)BΨ⟩],  G = ΨᵀΨ.
/// O(nnz(A_S)·k + n·k² + n·Σ r_i r_{i+1}).
double dasnmf_objective(const DasnmfProblem& problem, const std::vector<Dense>& H, const Dense& W);

/// The two parts of the H_{layer+1} rule (0-based layer): ∇_{H} f = 2(denominator − numerator)
/// for the exact regulariser (for the paper's form the numerator is unchanged and the
/// denominator uses 2·D_out). For tests and diagnostics; the fit reuses its products.
void dasnmf_gradient_parts(const DasnmfProblem& problem, const std::vector<Dense>& H, const Dense& W,
                           size_t layer, Dense& numerator, Dense& denominator);

struct DasnmfResult {
  std::vector<Dense> H;           ///< H₁ (n×r₁), H_i (r_{i−1}×r_i)
  Dense W;                        ///< W_p, k×k
  Dense Psi;                      ///< Ψ = H₁⋯H_p, n×k memberships
  std::vector<int> labels;        ///< argmax over the rows of Ψ
  std::vector<double> objective;  ///< value after each fine-tuning sweep
  int iterations = 0;             ///< fine-tuning sweeps run
  Status status = Status::not_run;
  Index second_order_entries = 0;  ///< nnz(S)
  int pagerank_iterations = 0;
  double setup_seconds = 0.0;  ///< S, A_S, PageRank
  double pretrain_seconds = 0.0;
  double seconds = 0.0;  ///< total
};

/// Full DAsNMF: inputs (S, A_S, PageRank), layer-wise shallow-AsNMF pre-training
/// ((W₁,H₁) = AsNMF(A_S, r₁), (W_i,H_i) = AsNMF(W_{i−1}, r_i)), then fine-tuning with
/// the fourth-root H_i rule and the W rule of docs/models.md §8.3 (A_S everywhere). A must be square
/// and ≥ 0 (A_ij ≠ 0: edge i→j). Cost per sweep O(p·nnz(A_S)·k + n·r₁·k + n·k²).
DasnmfResult fit_dasnmf(const Csr& A, const DasnmfOptions& options, const Progress& progress = {});

/// The chain H₁ (n×r₁), H_i (r_{i−1}×r_i) whose product equals Ψ₀ (n×k) up to O(ε): the
/// first k columns of H₁ hold Ψ₀, the deeper factors pass them through an identity block,
/// and every other entry is a small seeded positive value (so the multiplicative rules can
/// move it). One layer: H₁ = Ψ₀. O(n·r₁ + Σ r_{i−1} r_i).
std::vector<Dense> lift_into_chain(const Dense& Psi0, const std::vector<int>& layers, std::uint64_t seed,
                                   double epsilon = 1e-3);

DasnmfNormalization parse_dasnmf_normalization(const std::string& name);  ///< "regularized|none"
DasnmfStart parse_dasnmf_start(const std::string& name);                  ///< "shallow|layerwise"

/// Fine-tuning only, from given factors (for tests): H.size() = p ≥ 1, shapes as above.
DasnmfResult fit_dasnmf(const DasnmfProblem& problem, const DasnmfOptions& options, std::vector<Dense> H,
                        Dense W, const Progress& progress = {});

/// The registry entry (models/registry.hpp).
ModelSpec dasnmf_spec();

}  // namespace dnmf
