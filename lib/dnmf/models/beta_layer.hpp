// One layer Y ≈ W H of the deep β-divergence models (deep-beta, minvol-deep-kl): the
// layer's divergence and the quotient products its multiplicative updates need, sparse-
// first for KL on a sparse Y. Internal to lib/dnmf/models (not installed).
#pragma once

#include <algorithm>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/models/mu.hpp"

namespace dnmf {

/// One layer's fit Y ≈ W H (Y n×c, W n×r, H r×c) and the quotients its updates need
/// (docs/models.md §11.3): with V = max(WH, ε), KL uses R = Y ⊘ V; β = 3/2 uses
/// R = Y ⊘ √V and S = √V. For a sparse Y (layer 1, KL) R exists only on Y's stored entries
/// and is never stored: the fused passes of kl_ratio_product (models/mu.hpp) give the
/// products with it directly, two passes over the entries per sweep.
class BetaLayerTerms {
 public:
  /// Sparse KL layer: Y and its transpose.
  BetaLayerTerms(const Csr& y, const Csr& yt, double epsilon)
      : sparse_(&y), sparse_t_(&yt), beta_(1.0), eps_(epsilon) {}
  /// Dense layer.
  BetaLayerTerms(const Dense& y, double beta, double epsilon) : dense_(&y), beta_(beta), eps_(epsilon) {}

  /// D_β(Y, WH). Leaves Wᵀ R at (W, H) for the H step (wt_times_ratio), and S.
  double evaluate(const Dense& W, const Dense& H) {
    if (sparse_) {
      // Over the rows of Yᵀ: out_:j = Σ_i r_ij W_i: = (Wᵀ R)_:j.
      const Dense Wt = W.transpose();
      const double stored = kl_ratio_product(*sparse_t_, H, Wt, eps_, true, wt_ratio_);
      return std::max(0.0, stored + W.colwise().sum().dot(H.rowwise().sum()));
    }
    Dense V = (W * H).cwiseMax(eps_);
    const double f = dense_beta_divergence(*dense_, V, beta_);
    if (beta_ == 1.0) {
      ratio_ = dense_->cwiseQuotient(V);
    } else {
      sqrt_v_ = V.cwiseSqrt();
      ratio_ = dense_->cwiseQuotient(sqrt_v_);
    }
    wt_ratio_.noalias() = W.transpose() * ratio_;
    return f;
  }

  /// Wᵀ R (r×c) at the (W, H) of the last evaluate().
  const Dense& wt_times_ratio() const { return wt_ratio_; }

  /// R Hᵀ (n×r) at (W, H) into out (and S at (W, H) for β = 3/2), for the W step.
  void ratio_times_ht(const Dense& W, const Dense& H, Dense& out) {
    if (sparse_) {
      // Over the rows of Y: out_:i = Σ_j r_ij H_:j = (R Hᵀ)_i:ᵀ.
      Dense t;
      kl_ratio_product(*sparse_, Dense(W.transpose()), H, eps_, false, t);
      out = t.transpose();
      return;
    }
    evaluate(W, H);
    out.noalias() = ratio_ * H.transpose();
  }

  const Dense& sqrt_v() const { return sqrt_v_; }  ///< β = 3/2 only

 private:
  const Csr* sparse_ = nullptr;
  const Csr* sparse_t_ = nullptr;
  const Dense* dense_ = nullptr;
  double beta_, eps_;
  Dense ratio_, sqrt_v_, wt_ratio_;
};

}  // namespace dnmf
