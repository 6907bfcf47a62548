#include "dnmf/models/mu.hpp"

#include <cmath>

#include "dnmf/core/error.hpp"

namespace dnmf {

void multiplicative_update(Dense& theta, const Dense& numerator, const Dense& denominator, double epsilon,
                           double exponent, double floor) {
  auto ratio = numerator.array() / denominator.array().max(epsilon);
  if (exponent == 1.0)
    theta.array() *= ratio;
  else if (exponent == 0.5)  // the common damped exponents: sqrt is far cheaper than pow
    theta.array() *= ratio.sqrt();
  else if (exponent == 0.25)
    theta.array() *= ratio.sqrt().sqrt();
  else
    theta.array() *= ratio.pow(exponent);
  if (floor > 0.0) theta = theta.array().max(floor).matrix();
}

void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage) {
  if (!factor.allFinite())
    throw NumericalError("NaN/Inf in " + factor_name + " after iteration " + std::to_string(iteration) +
                         " (" + stage + ")");
}

}  // namespace dnmf
