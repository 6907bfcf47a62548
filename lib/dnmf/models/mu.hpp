// Shared pieces of every multiplicative-update model. docs/models.md §1.1.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// θ ← max(θ ⊙ [N ⊘ max(D, δ)]^γ, floor), elementwise. N and D are the negative and
/// positive parts of ∇θ (both ≥ 0). δ keeps the ratio finite where D = 0 (empty rows or
/// columns); γ < 1 damps the step (docs/models.md §1.1 cases (b), (c)). O(size of θ).
void multiplicative_update(Dense& theta, const Dense& numerator, const Dense& denominator, double epsilon,
                           double exponent = 1.0, double floor = 0.0);

/// One entry of the rule below: max(θ·[n / max(d, δ)]^γ, floor).
inline double mu_entry(double theta, double n, double d, double epsilon, double exponent, double floor) {
  const double ratio = n / (d > epsilon ? d : epsilon);
  const double step = exponent == 1.0    ? ratio
                      : exponent == 0.5  ? std::sqrt(ratio)
                      : exponent == 0.25 ? std::sqrt(std::sqrt(ratio))
                                         : std::pow(ratio, exponent);
  const double v = theta * step;
  return v > floor || v != v ? v : floor;  // NaN passes through to the finiteness check
}

/// Rows form of the rule: out = max(old ⊙ [N ⊘ max(D, δ)]^γ, floor) for blocks of the
/// same shape; returns false when an entry of out is NaN/Inf.
bool multiplicative_update_block(const Eigen::Ref<const Dense>& old, const Eigen::Ref<const Dense>& numerator,
                                 const Eigen::Ref<const Dense>& denominator, double epsilon, double exponent,
                                 double floor, Eigen::Ref<Dense> out);

/// out = max(old ⊙ [N ⊘ max(D, δ)]^γ, floor) in one parallel pass (old is left
/// untouched; out is resized, reusing its storage). Returns false when an entry of out
/// is NaN/Inf. O(size of old).
bool multiplicative_update_into(const Dense& old, const Dense& numerator, const Dense& denominator,
                                double epsilon, double exponent, double floor, Dense& out);

/// The generalised Kullback–Leibler divergence over the stored entries of X only
/// (docs/models.md §2.1): with v_ij = ⟨L_:i, R_:j⟩ for the columns of Lt (k×n) and Rt
/// (k×d), floored at ε, returns Σ_{stored} [x log(x/v) − x] and, when z is given, sets
/// z_p = x_p / v_p for every stored entry p (an SDDMM). The rest of D_KL(X ‖ V) is Σ_ij v_ij,
/// a product of column and row sums. O(nnz·k).
double kl_stored_entries(const Csr& X, const Dense& Lt, const Dense& Rt, double epsilon,
                         std::vector<double>* z);

/// The fused KL pass of the sparse rules (docs/models.md §2.1): one sweep over the stored
/// entries of X (n×d) row by row, with the factors stored transposed (A k×n, B k×d, so
/// that ⟨A_:i, B_:j⟩ are contiguous dot products): v_p = max(⟨A_:i, B_:j⟩, ε) and
/// out_:i = Σ_{p in row i} (x_p / v_p) B_:j, i.e. out = ((X ⊘ V) Bᵀ)ᵀ (k×n) without
/// storing X ⊘ V. Returns Σ_p [x log(x/v) − x] when `with_log`, else 0. Run on Xᵀ with
/// (B, A) it gives ((X ⊘ V)ᵀ Aᵀ)ᵀ. O(nnz·k); the result does not depend on the threads.
double kl_ratio_product(const Csr& X, const Dense& A, const Dense& B, double epsilon, bool with_log,
                        Dense& out);

/// d_β(x | v) of one entry, v > 0 (docs/models.md §2.1).
double beta_entry_divergence(double x, double v, double beta);

/// Σ_ij d_β(X_ij | V_ij) over two dense matrices of the same shape, V > 0; the sum does not
/// depend on the thread count's scheduling. O(n·d).
double dense_beta_divergence(const Dense& X, const Dense& V, double beta);

/// Throws NumericalError("NaN/Inf in <factor> after iteration <it> (<stage>)") when
/// the factor has a non-finite entry. O(size).
void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage);

}  // namespace dnmf
