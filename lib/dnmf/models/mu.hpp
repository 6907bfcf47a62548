// Shared pieces of every multiplicative-update model. docs/models.md §1.1.
#pragma once

#include <cmath>
#include <string>

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

/// Throws NumericalError("NaN/Inf in <factor> after iteration <it> (<stage>)") when
/// the factor has a non-finite entry. O(size).
void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage);

}  // namespace dnmf
