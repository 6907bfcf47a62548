// Objective terms of Dn2MFGL (docs/models.md §4): the re-weighted L2,1 residual, the global
// variance term and the inner-product sparsity term. The local graph term is the
// attractive term of chain_terms.hpp (α tr(HᵀLH) = AttractiveTerm(S, α/2) for symmetric S).
//
// Orientation as in chain_terms.hpp: X n×d (rows = samples), P = W_1⋯W_l d×k (the
// paper's Q = H_1⋯H_l), H n×k (the paper's V_lᵀ).
#pragma once

#include <cstdint>

#include "dnmf/terms/chain_terms.hpp"

namespace dnmf {

/// Which residual vectors the L2,1 norm sums over.
enum class L21Mode {
  /// Σ_i ‖x_i − P h_i‖ over samples (rows of X): robust to corrupted samples (default,
  /// docs/models.md §4.7)
  samples,
  features,  ///< Σ_f ‖X_{:,f} − H p_f‖ over features (columns of X): the reference code
};

/// ‖X − H Pᵀ‖_{2,1} by iteratively re-weighted least squares (docs/models.md §4.2–4.3). With
/// weights w_j = 1/(2·max(r̃_j, 1e-5)) from the residual norms r̃_j at the last
/// update_weights, the term is the majoriser Σ_j [w_j r_j² + 1/(4w_j)], which equals the
/// L2,1 norm at the point where the weights were set and bounds it above elsewhere.
///
/// samples (W = diag(w), n×n, never formed), q_i = ‖x_i‖²:
///   r_i² = q_i − 2(XP)_i·h_i + h_iᵀ(PᵀP)h_i;  value = Σw_iq_i − 2⟨P, XᵀWH⟩ + ⟨PᵀP, HᵀWH⟩ + Σ1/(4w_i)
///   ∇_P = 2P(HᵀWH) − 2XᵀWH;  ∇_H = 2W H(PᵀP) − 2W XP.
/// features (U = diag(u), d×d, never formed), g_f = ‖X_{:,f}‖²:
///   c_f² = g_f − 2(XᵀH)_f·p_f + p_fᵀ(HᵀH)p_f;  value = Σu_fg_f − 2⟨UP, XᵀH⟩ + ⟨(UP)ᵀP, HᵀH⟩ + Σ1/(4u_f)
///   ∇_P = 2U P(HᵀH) − 2U XᵀH;  ∇_H = 2H(PᵀUP) − 2X(UP).
/// Cost: one SpMM per new H (XᵀWH, samples) or per new P (X·UP, features), O((n + d)k²)
/// otherwise; residual norms come from products the updates need anyway.
class L21Residual final : public ChainTerm {
 public:
  explicit L21Residual(L21Mode mode);
  std::string name() const override { return "l21-residual"; }
  bool depends_on_P() const override { return true; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  bool update_weights(const ChainState& s) const override;
  void add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;

  /// Residual norms at the state's (P, H): per sample (n) or per feature (d).
  Vector residual_norms(const ChainState& s) const;
  const Vector& weights() const { return weights_; }
  L21Mode mode() const { return mode_; }

 private:
  const Dense& XtWH(const ChainState& s) const;  // samples: Xᵀ(WH), per (H, weights)
  const Dense& XUP(const ChainState& s) const;   // features: X(UP), per (P, weights)

  L21Mode mode_;
  mutable Vector weights_;        // w (n) or u (d)
  mutable Vector squared_;        // q (samples) or g (features), computed once
  mutable double wq_ = 0.0;       // Σ w_j q_j (q: squared norms of the rows or columns of X)
  mutable double inverse_ = 0.0;  // Σ 1/(4w_j), the majoriser constant
  mutable std::uint64_t weights_version_ = 0;
  mutable std::uint64_t cached_h_ = 0, cached_p_ = 0, cached_w_ = 0, cached_w2_ = 0;
  mutable Dense xtwh_, hwh_, xup_, wh_;
};

/// Global (variance) term −β tr(HᵀCH), C = I − 11ᵀ/n (centering as a rank-one
/// correction): value −β(‖H‖² − ‖1ᵀH‖²/n); ∇_H = (2β/n) 1(1ᵀH) − 2βH. O(n·k).
class VarianceTerm final : public ChainTerm {
 public:
  explicit VarianceTerm(double beta);
  std::string name() const override { return "variance"; }
  bool depends_on_P() const override { return false; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;

 private:
  double beta_;
  mutable Eigen::RowVectorXd column_sums_;
};

/// Inner-product sparsity ν Σ_{i≠j} ⟨h_i, h_j⟩ = ν(‖1ᵀH‖² − ‖H‖²) (the reference's
/// tr(V(J − I)Vᵀ) with J = 11ᵀ as a rank-one term): ∇_H = 2ν 1(1ᵀH) − 2νH. O(n·k).
class InnerProductSparsity final : public ChainTerm {
 public:
  explicit InnerProductSparsity(double nu);
  std::string name() const override { return "inner-product-sparsity"; }
  bool depends_on_P() const override { return false; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;

 private:
  double nu_;
  mutable Eigen::RowVectorXd column_sums_;
};

}  // namespace dnmf
