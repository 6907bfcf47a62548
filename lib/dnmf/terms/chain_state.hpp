// The state seen by the objective terms of decoder-chain models (DANMF family).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

/// An optional value whose storage survives reset(): a product recomputed every
/// iteration refills the same buffer instead of allocating n×k afresh (with glibc,
/// blocks above 32 MB come straight from mmap and are zero-filled page by page on
/// every allocation, which cost a third of an iteration at n = 70 000).
template <class T>
class Reusable {
 public:
  explicit operator bool() const { return valid_; }
  T& emplace() {  ///< marks the value valid and returns the old storage to overwrite
    valid_ = true;
    return value_;
  }
  void reset() { valid_ = false; }
  Reusable& operator=(T v) {
    value_ = std::move(v);
    valid_ = true;
    return *this;
  }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_{};
  bool valid_ = false;
};

/// Data X (n×d, rows are samples), the composite basis P = Ψ_l = W_1⋯W_l (d×k) and the
/// top representation H (n×k, row i = sample i; the papers' H_lᵀ). Terms read products
/// of these through the accessors below; each product is computed on first use and
/// kept until P or H changes, so terms sharing a product pay for it once.
///
/// With a Gram matrix G = XᵀX (d×d, only for small d: see ChainState::gram_is_worthwhile)
/// XᵀXP costs O(d²k) instead of two SpMMs, and no product involving P needs n.
class ChainState {
 public:
  /// use_gram: precompute G = XᵀX once (O(Σ_i nnz(x_i)²) sparse, O(n·d²) dense).
  ChainState(const DataMatrix& X, bool use_gram);

  /// True when a d×d Gram is both small (d ≤ 4096) and cheaper than the SpMMs it replaces.
  static bool gram_is_worthwhile(const DataMatrix& X);

  const DataMatrix& X() const { return *x_; }
  Index n() const { return x_->rows(); }
  Index d() const { return x_->cols(); }
  bool has_gram() const { return gram_.has_value(); }

  void set_P(Dense P);  ///< invalidates every product involving P
  void set_H(Dense H);  ///< invalidates every product involving H
  /// Exchanges H with `other` (no copy; `other` receives the previous H) and
  /// invalidates every product involving H.
  void swap_H(Dense& other);
  const Dense& P() const { return p_; }
  const Dense& H() const { return h_; }
  /// Identifies the current H: unique across all states and changes of H, so a term
  /// may cache a product of H under it (as the attractive term does with S·H).
  std::uint64_t h_version() const { return h_version_; }
  std::uint64_t p_version() const { return p_version_; }  ///< the same for P

  const Dense& XP() const;                                ///< X·P, n×k, O(nnz·k)
  bool has_XP() const { return static_cast<bool>(xp_); }  ///< XP is cached for the current P
  const Dense& XtH() const;                               ///< Xᵀ·H, d×k, O(nnz·k)
  const Dense& XtXP() const;  ///< XᵀX·P, d×k: G·P in O(d²k), else Xᵀ(XP) in O(nnz·k)
  const Dense& XXtH() const;  ///< X·(XᵀH), n×k, O(nnz·k)
  const Dense& PtP() const;   ///< k×k, O(d·k²)
  const Dense& HtH() const { return h_summary().gram; }  ///< k×k, O(n·k²)
  /// What the terms need of H alone, from one parallel pass over its rows: HᵀH (k×k,
  /// exactly symmetric), the column sums 1ᵀH and qᵀH (q = sample_squared_norms()) and
  /// the largest entry. Kept until H changes. O(n·k²/2).
  struct HSummary {
    Dense gram;
    Eigen::RowVectorXd sums, weighted_sums;
    double max = 0.0;
  };
  const HSummary& h_summary() const;
  /// Computes XP and X(XᵀH) in one pass over X (X·[P, XᵀH]) when both are needed.
  void prefetch_XP_and_XXtH() const;

  double x_squared_norm() const { return x_norm2_; }  ///< ‖X‖_F²
  const Vector& sample_squared_norms() const;         ///< q_i = ‖x_i‖², O(nnz) once
  /// ‖XᵀX‖_F² (constant of the feature-relationship term), computed once:
  /// ‖G‖² with the Gram, else ‖·‖² of the smaller of XᵀX and XXᵀ (equal norms): one
  /// dense Gram for dense X, column blocks of 64 for sparse X.
  double gram_squared_norm() const;
  /// ‖XP‖² = ⟨P, XᵀXP⟩: from G·P with the Gram (no pass over n), else from XP; kept
  /// until P changes.
  double xp_squared_norm() const;
  /// ⟨XP, H⟩ = ⟨P, XᵀH⟩, from whichever product is cached; kept until P or H changes
  /// (the decoder and the encoder both need it after every update).
  double inner_XP_H() const;

 private:
  const DataMatrix* x_;
  double x_norm2_ = 0.0;
  std::optional<Dense> gram_;
  Dense p_, h_;
  std::uint64_t h_version_ = 0, p_version_ = 0;
  mutable Reusable<Dense> xp_, xth_, xtxp_, xxth_, ptp_;
  mutable Reusable<HSummary> h_summary_;
  mutable std::optional<Vector> q_;
  mutable std::optional<double> gram_norm2_;
  mutable std::optional<double> inner_xp_h_, xp_norm2_;
};

}  // namespace dnmf
