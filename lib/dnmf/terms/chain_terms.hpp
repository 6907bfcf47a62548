// Objective terms of decoder-chain models (DANMF, DANMF-CRFR). docs/models.md §3.
//
// Orientation: X is n×d (rows = samples), P = Ψ_l = W_1⋯W_l is d×k and H is n×k, so
// the papers' X_p (d×n) and H_l (k×n) are our Xᵀ and Hᵀ. A term f(P, H) gives its
// value and splits each gradient as ∇f = positive − negative with both parts ≥ 0
// elementwise; the driver turns them into multiplicative updates (docs/models.md §1.1)
// and chains ∇_P to each layer: ∇_{W_i} = Ψ_{i−1}ᵀ ∇_P Φ_{i+1}ᵀ.
#pragma once

#include <memory>
#include <string>

#include "dnmf/core/csr.hpp"
#include "dnmf/terms/chain_state.hpp"

namespace dnmf {

class ChainTerm {
 public:
  virtual ~ChainTerm() = default;
  virtual std::string name() const = 0;
  virtual bool depends_on_P() const = 0;
  virtual bool depends_on_H() const = 0;
  /// Whether the H gradient reads X(XᵀH) (lets the driver fetch it with XP in one pass).
  virtual bool needs_XXtH() const { return false; }
  virtual double value(const ChainState& s) const = 0;
  /// Re-weighted terms (IRLS, e.g. the L2,1 residual) recompute their weights from the
  /// state here: once before the first iteration and after every sweep, so each sweep
  /// minimises a fixed majoriser. Returns true when the term's value changed.
  virtual bool update_weights(const ChainState&) const { return false; }
  /// Adds the parts of ∇_P f (d×k) to negative and positive (already sized d×k).
  virtual void add_gradient_P(const ChainState&, Dense& /*negative*/, Dense& /*positive*/) const {}
  /// The H gradient is assembled row block by row block, in parallel, fused with the
  /// update. prepare_gradient_H runs first, once per H step and single-threaded: it
  /// computes every shared product the rows need (from the state's lazy caches or the
  /// term's own), so that add_gradient_H_rows only reads and may run concurrently.
  virtual void prepare_gradient_H(const ChainState&) const {}
  /// Adds rows [begin, begin + negative.rows()) of the parts of ∇_H f to negative and
  /// positive (both count×k).
  virtual void add_gradient_H_rows(const ChainState&, Index /*begin*/, Eigen::Ref<Dense> /*negative*/,
                                   Eigen::Ref<Dense> /*positive*/) const {}
  /// Whole-matrix form (tests, small callers): prepare, then all rows at once.
  void add_gradient_H(const ChainState& s, Dense& negative, Dense& positive) const {
    prepare_gradient_H(s);
    add_gradient_H_rows(s, 0, negative, positive);
  }
};

/// Decoder loss ‖X − H Pᵀ‖_F² (papers: ‖X − Ψ_l H_l‖²), evaluated as
/// ‖X‖² − 2⟨XP, H⟩ + ⟨PᵀP, HᵀH⟩ (docs/models.md §1.5).
/// ∇_P = 2P(HᵀH) − 2XᵀH;  ∇_H = 2H(PᵀP) − 2XP.  O(nnz·k + (n+d)·k²).
class DecoderLoss final : public ChainTerm {
 public:
  std::string name() const override { return "decoder"; }
  bool depends_on_P() const override { return true; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  void add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;
};

/// Encoder loss ‖H − X P‖_F² (papers: ‖H_l − Ψ_lᵀ X‖²) = ‖H‖² − 2⟨H, XP⟩ + ‖XP‖².
/// ∇_P = 2XᵀXP − 2XᵀH;  ∇_H = 2H − 2XP.  XᵀXP = X(Xᵀ…) never forms XᵀX unless the
/// state holds a small d×d Gram. O(nnz·k + (n+d)·k).
class EncoderLoss final : public ChainTerm {
 public:
  std::string name() const override { return "encoder"; }
  bool depends_on_P() const override { return true; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  void add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;
};

/// Repulsive (contrastive) term λ₁ Σ_ij S⁻_ij ⟨h_i, h_j⟩ with S⁻_ij = ‖x_i − x_j‖²
/// (DANMF-CRFR eq. 9, squared distances: docs/models.md §3.5). With q_i = ‖x_i‖²:
///   value = 2λ₁[(qᵀH)·(1ᵀH) − ‖XᵀH‖²],  S⁻H = q(1ᵀH) + 1(qᵀH) − 2X(XᵀH)  (never n×n).
/// ∇_H = 2λ₁ S⁻H (positive only; clamped at 0 against cancellation, docs/models.md §3.2).
/// O(nnz·k + n·k).
class RepulsiveTerm final : public ChainTerm {
 public:
  explicit RepulsiveTerm(double lambda);
  std::string name() const override { return "repulsive"; }
  bool depends_on_P() const override { return false; }
  bool depends_on_H() const override { return true; }
  bool needs_XXtH() const override { return true; }
  double value(const ChainState& s) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;
  /// S⁻H (n×k) by the identity above, clamped at 0.
  static Dense times_H(const ChainState& s);

 private:
  double lambda_;
};

/// Attractive (graph) term λ₂ Σ_ij S_ij ‖h_i − h_j‖² for a sparse affinity S ≥ 0 (n×n).
///   value = λ₂[Σ_i (r_i + c_i)‖h_i‖² − 2⟨H, SH⟩]   (r, c: row and column sums of S)
///   ∇_H  = 2λ₂ diag(r + c) H − 2λ₂ (S + Sᵀ) H.
/// For symmetric S this is 2λ₂ tr(HᵀLH) with L = D − S and the gradient 4λ₂(D − S)H,
/// i.e. the paper's H rule (eq. 27). For an unsymmetric S (reference preset) we use
/// this exact gradient, not the reference code's row-only form, which is not the
/// gradient and was seen to increase the objective (docs/models.md §3.5, §10.2).
/// O(nnz(S)·k + n·k), one product with S per new H (cached); Sᵀ is stored only when S
/// is not symmetric. The cache makes a term object single-threaded.
class AttractiveTerm final : public ChainTerm {
 public:
  AttractiveTerm(Csr S, double lambda);
  std::string name() const override { return "attractive"; }
  bool depends_on_P() const override { return false; }
  bool depends_on_H() const override { return true; }
  double value(const ChainState& s) const override;
  void prepare_gradient_H(const ChainState& s) const override;
  void add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                           Eigen::Ref<Dense> positive) const override;
  const Csr& affinity() const { return s_; }

 private:
  /// ½(S + Sᵀ)H (= SH for symmetric S) for the state's current H: the gradient at H_t
  /// and the value after the update that produced H_t need the same product, so it is
  /// computed once per H.
  const Dense& half_sym_times_H(const ChainState& s) const;

  Csr s_, st_;
  bool symmetric_;
  Vector degree_;  // r + c
  double lambda_;
  mutable std::uint64_t cached_version_ = 0;
  mutable Dense cached_, ht_, scratch_;  // ½(S + Sᵀ)H, and reused buffers for Hᵀ and SᵀH
};

/// Feature-relationship preservation ‖XᵀX − λ₃PPᵀ‖_F² (papers: ‖XXᵀ − λ₃Ψ_lΨ_lᵀ‖², d×d,
/// no outer weight: docs/models.md §3.2), evaluated as ‖XᵀX‖² − 2λ₃‖XP‖² + λ₃²‖PᵀP‖²
/// (the constant ‖XᵀX‖² is computed once). ∇_P = 4λ₃² P(PᵀP) − 4λ₃ XᵀXP.
/// O(nnz·k + d·k²) per evaluation, never a d×d matrix (unless the state's small Gram).
class FeatureRelationTerm final : public ChainTerm {
 public:
  explicit FeatureRelationTerm(double lambda);
  std::string name() const override { return "feature-relation"; }
  bool depends_on_P() const override { return true; }
  bool depends_on_H() const override { return false; }
  double value(const ChainState& s) const override;
  void add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const override;

 private:
  double lambda_;
};

}  // namespace dnmf
