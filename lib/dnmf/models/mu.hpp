// Shared pieces of every multiplicative-update model. MODELS.md §0.2–0.3.
#pragma once

#include <string>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// θ ← max(θ ⊙ [N ⊘ max(D, δ)]^γ, floor), elementwise. N and D are the negative and
/// positive parts of ∇θ (both ≥ 0). δ keeps the ratio finite where D = 0 (empty rows or
/// columns); γ < 1 damps the step (MODELS.md §0.2 (b), (c)). O(size of θ).
void multiplicative_update(Dense& theta, const Dense& numerator, const Dense& denominator, double epsilon,
                           double exponent = 1.0, double floor = 0.0);

/// Throws NumericalError("NaN/Inf in <factor> after iteration <it> (<stage>)") when
/// the factor has a non-finite entry. O(size).
void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage);

}  // namespace dnmf
