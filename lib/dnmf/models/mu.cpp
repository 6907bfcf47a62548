#include "dnmf/models/mu.hpp"

#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/parallel.hpp"

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

bool multiplicative_update_into(const Dense& old, const Dense& numerator, const Dense& denominator,
                                double epsilon, double exponent, double floor, Dense& out) {
  out.resize(old.rows(), old.cols());
  const Index n = old.size();
  const double* o = old.data();
  const double* num = numerator.data();
  const double* den = denominator.data();
  double* t = out.data();
  bool finite = true;
  // Flat index blocks (elementwise, so any split gives the same result).
  for_row_blocks(n, 1, [&](Index begin, Index count) {
    bool ok = true;
    for (Index i = begin; i < begin + count; ++i) {
      t[i] = mu_entry(o[i], num[i], den[i], epsilon, exponent, floor);
      ok = ok && std::isfinite(t[i]);
    }
    if (!ok) {
#pragma omp atomic write
      finite = false;
    }
  });
  return finite;
}

bool multiplicative_update_block(const Eigen::Ref<const Dense>& old, const Eigen::Ref<const Dense>& numerator,
                                 const Eigen::Ref<const Dense>& denominator, double epsilon, double exponent,
                                 double floor, Eigen::Ref<Dense> out) {
  bool ok = true;
  for (Index j = 0; j < old.cols(); ++j)
    for (Index i = 0; i < old.rows(); ++i) {
      const double v = mu_entry(old(i, j), numerator(i, j), denominator(i, j), epsilon, exponent, floor);
      ok = ok && std::isfinite(v);
      out(i, j) = v;
    }
  return ok;
}

void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage) {
  if (!factor.allFinite())
    throw NumericalError("NaN/Inf in " + factor_name + " after iteration " + std::to_string(iteration) +
                         " (" + stage + ")");
}

}  // namespace dnmf
