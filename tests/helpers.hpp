// Small helpers shared by the model test suites.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dnmf/core/rng.hpp"
#include "dnmf/core/types.hpp"

namespace test {

inline double rel_err(double a, double b) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300});
}

inline double rel_err(const dnmf::Dense& a, const dnmf::Dense& b) {
  return (a - b).norm() / std::max({a.norm(), b.norm(), 1e-300});
}

/// Nonnegative n×d data with about `density` of the entries stored (uniform values).
inline dnmf::Dense test_data(dnmf::Index n, dnmf::Index d, double density, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  dnmf::Dense x = dnmf::Dense::Zero(n, d);
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = 0; j < d; ++j)
      if (rng.uniform() < density) x(i, j) = rng.uniform();
  return x;
}

}  // namespace test
